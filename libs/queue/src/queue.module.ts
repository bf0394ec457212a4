import { Global, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { APP_CONFIG, AppConfig } from '@postern/config';
import { Logger, ROOT_LOGGER } from '@postern/observability';
import { QueueName } from './jobs';
import { createRedis } from './redis';

/** The shared Redis client (commands, not BullMQ's blocking reads). */
export const REDIS = Symbol('REDIS');

/** Producers for every queue, keyed by name. */
export class Queues {
  private readonly queues = new Map<QueueName, Queue>();

  constructor(
    private readonly config: AppConfig,
    private readonly connection: Redis,
  ) {}

  get(name: QueueName): Queue {
    let queue = this.queues.get(name);
    if (!queue) {
      queue = new Queue(name, { connection: this.connection, prefix: this.config.redisPrefix });
      this.queues.set(name, queue);
    }
    return queue;
  }

  async close(): Promise<void> {
    await Promise.all([...this.queues.values()].map((q) => q.close()));
    this.connection.disconnect();
  }
}

@Global()
@Module({
  providers: [
    {
      provide: REDIS,
      inject: [APP_CONFIG, ROOT_LOGGER],
      useFactory: (config: AppConfig, logger: Logger) =>
        createRedis(config.redisUrl, { onError: (err) => logger.warn({ err: err.message }, 'redis connection error') }),
    },
    {
      provide: Queues,
      inject: [APP_CONFIG, ROOT_LOGGER],
      useFactory: (config: AppConfig, logger: Logger) =>
        new Queues(
          config,
          createRedis(config.redisUrl, { forBullmq: true, onError: (err) => logger.warn({ err: err.message }, 'redis connection error') }),
        ),
    },
  ],
  exports: [REDIS, Queues],
})
export class QueueModule implements OnApplicationShutdown {
  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(Queues) private readonly queues: Queues,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    await this.queues.close();
    this.redis.disconnect();
  }
}
