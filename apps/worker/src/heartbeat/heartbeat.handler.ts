import { hostname } from 'node:os';
import { Inject, Injectable } from '@nestjs/common';
import { Redis } from 'ioredis';
import { APP_CONFIG, AppConfig } from '@postern/config';
import { JobName, JobPayloads, REDIS, heartbeatKey } from '@postern/queue';
import { HandlesJob, JobHandler } from '../jobs/job-handler';

export interface Heartbeat {
  at: string;
  worker: string;
  requestedBy: string;
}

/** Records that a worker took a job from Redis and ran it: the worker's end-to-end health. */
@Injectable()
@HandlesJob(JobName.Heartbeat)
export class HeartbeatHandler implements JobHandler<JobName.Heartbeat> {
  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async handle(payload: JobPayloads[JobName.Heartbeat]): Promise<void> {
    const beat: Heartbeat = { at: new Date().toISOString(), worker: `${hostname()}:${process.pid}`, requestedBy: payload.requestedBy };
    await this.redis.set(heartbeatKey(this.config.redisPrefix), JSON.stringify(beat), 'EX', 3600);
  }
}
