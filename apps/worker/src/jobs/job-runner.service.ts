import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { DiscoveryService, Reflector } from '@nestjs/core';
import { Job, Worker } from 'bullmq';
import { APP_CONFIG, AppConfig } from '@postern/config';
import { Logger, ROOT_LOGGER } from '@postern/observability';
import { JOB_QUEUE, QueueName, checkJobHandlers, createRedis } from '@postern/queue';
import { JOB_HANDLER, JobHandler } from './job-handler';

/**
 * Finds every @HandlesJob provider, checks at boot that each job name has exactly one
 * handler, and runs one BullMQ worker per queue that dispatches by job name.
 */
@Injectable()
export class JobRunnerService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly handlers = new Map<string, JobHandler>();
  private readonly workers: Worker[] = [];

  constructor(
    @Inject(DiscoveryService) private readonly discovery: DiscoveryService,
    @Inject(Reflector) private readonly reflector: Reflector,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(ROOT_LOGGER) private readonly logger: Logger,
  ) {}

  onApplicationBootstrap(): void {
    const found: [string, JobHandler][] = [];
    for (const wrapper of this.discovery.getProviders()) {
      if (!wrapper.metatype || !wrapper.instance) continue;
      const name = this.reflector.get<string | undefined>(JOB_HANDLER, wrapper.metatype as object as Function);
      if (name) found.push([name, wrapper.instance as JobHandler]);
    }
    checkJobHandlers(found.map(([name]) => name));
    for (const [name, handler] of found) this.handlers.set(name, handler);
    for (const queue of new Set(Object.values(JOB_QUEUE))) this.workers.push(this.startWorker(queue));
  }

  private startWorker(queue: QueueName): Worker {
    const connection = createRedis(this.config.redisUrl, {
      forBullmq: true,
      onError: (err) => this.logger.warn({ err: err.message, queue }, 'redis connection error'),
    });
    const worker = new Worker(queue, (job) => this.dispatch(job), {
      connection,
      prefix: this.config.redisPrefix,
      // Delivery waits on remote servers, so it runs many jobs at once; maintenance few.
      concurrency: queue === QueueName.Delivery ? this.config.delivery.concurrency : 10,
    });
    worker.on('failed', (job, err) => this.logger.warn({ jobId: job?.id, job: job?.name, err }, 'job failed'));
    worker.on('error', (err) => this.logger.error({ err, queue }, 'worker error'));
    // BullMQ leaves a connection it was given open on close; we close it with the worker.
    worker.on('closed', () => connection.disconnect());
    return worker;
  }

  private async dispatch(job: Job): Promise<void> {
    const handler = this.handlers.get(job.name);
    // Unreachable after the boot check, unless another version enqueued an unknown job.
    if (!handler) throw new Error(`no handler for job '${job.name}'`);
    await handler.handle(job.data as never, job as Job<never>);
  }

  /** Stop taking jobs; wait for the running ones to finish. */
  async onApplicationShutdown(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.close()));
  }
}
