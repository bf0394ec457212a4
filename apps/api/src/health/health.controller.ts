import { Controller, Get, Header, HttpStatus, Inject, Res } from '@nestjs/common';
import { ApiOperation, ApiProperty, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { DataSource } from 'typeorm';
import { Metrics } from '@postern/observability';
import { APP_CONFIG, AppConfig } from '@postern/config';
import { checkRedis } from '@postern/queue';
import { Public } from '../common/auth';

class HealthDto {
  @ApiProperty({ description: 'Always `ok` while the process serves requests', example: 'ok' })
  status!: string;
}

class DependencyDto {
  @ApiProperty({ description: '`ok` or `down`', example: 'ok' })
  status!: 'ok' | 'down';

  @ApiProperty({
    description: 'Why the dependency is down',
    example: 'Redis is not reachable at 127.0.0.1:6379 (connect ECONNREFUSED 127.0.0.1:6379).',
    required: false,
  })
  error?: string;
}

class ReadinessDto {
  @ApiProperty({ description: '`ready` when every dependency answers, else `not_ready`', example: 'ready' })
  status!: 'ready' | 'not_ready';

  @ApiProperty({ description: 'PostgreSQL', type: DependencyDto })
  postgres!: DependencyDto;

  @ApiProperty({ description: 'Redis', type: DependencyDto })
  redis!: DependencyDto;
}

async function probe(check: () => Promise<unknown>): Promise<DependencyDto> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('timed out after 2 s')), 2000);
  });
  try {
    await Promise.race([check(), timeout]);
    return { status: 'ok' };
  } catch (err) {
    return { status: 'down', error: err instanceof Error ? err.message : String(err) };
  } finally {
    clearTimeout(timer);
  }
}

@ApiTags('health')
@Public()
@Controller()
export class HealthController {
  constructor(
    @Inject(DataSource) private readonly db: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(Metrics) private readonly metrics: Metrics,
  ) {}

  @Get('healthz')
  @ApiOperation({ summary: 'Liveness', description: 'Answers 200 while the process is up; checks nothing else.' })
  @ApiResponse({ status: 200, type: HealthDto, description: 'The process is up' })
  healthz(): HealthDto {
    return { status: 'ok' };
  }

  @Get('readyz')
  @ApiOperation({
    summary: 'Readiness',
    description:
      'Checks that PostgreSQL answers on the pool and that a new Redis connection answers PING; 503 names the one that does not.',
  })
  @ApiResponse({ status: 200, type: ReadinessDto, description: 'Both dependencies answer' })
  @ApiResponse({ status: 503, type: ReadinessDto, description: 'At least one dependency is down' })
  async readyz(@Res({ passthrough: true }) res: Response): Promise<ReadinessDto> {
    const [postgres, redis] = await Promise.all([probe(() => this.db.query('SELECT 1')), probe(() => checkRedis(this.config.redisUrl))]);
    const ready = postgres.status === 'ok' && redis.status === 'ok';
    res.status(ready ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE);
    return { status: ready ? 'ready' : 'not_ready', postgres, redis };
  }

  @Get('metrics')
  @Header('Content-Type', 'text/plain; version=0.0.4; charset=utf-8')
  @ApiOperation({ summary: 'Prometheus metrics', description: 'Default Node metrics and HTTP request durations by route and status.' })
  @ApiResponse({
    status: 200,
    description: 'Prometheus text exposition format',
    content: {
      'text/plain': {
        schema: { type: 'string', example: 'postern_http_request_duration_seconds_count{method="GET",route="/healthz",status="200"} 1' },
      },
    },
  })
  metricsText(): Promise<string> {
    return this.metrics.registry.metrics();
  }
}
