import { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Redis } from 'ioredis';
import { prepareDatabase } from '@postern/db';
import { BootContext, PinoNestLogger, Running, startHealthServer } from '@postern/observability';
import { JobName, JOB_QUEUE, Queues, REDIS, checkRedis, heartbeatKey } from '@postern/queue';
import { WorkerModule } from './worker.module';

export interface RunningWorker extends Running {
  app: INestApplicationContext;
  healthPort: number;
}

const HEARTBEAT_EVERY_MS = 30_000;
const RETENTION_EVERY_MS = 3_600_000;
/** How soon an event becomes a webhook: the fan-out runs this often. */
const WEBHOOK_FANOUT_EVERY_MS = 1_000;

/** Boots the BullMQ workers (no HTTP API; a small health and metrics server). */
export async function startWorker(context: BootContext, options: { prepare?: boolean } = {}): Promise<RunningWorker> {
  const { config, logger } = context;
  if (options.prepare !== false) {
    await prepareDatabase({ databaseUrl: config.databaseUrl, createIfMissing: config.localMode, logger });
    await checkRedis(config.redisUrl);
  }
  const app = await NestFactory.createApplicationContext(WorkerModule.forRoot(context), {
    logger: new PinoNestLogger(logger.child({ component: 'nest' })),
    abortOnError: false,
  });
  const queue = app.get(Queues).get(JOB_QUEUE[JobName.Heartbeat]);
  await queue.upsertJobScheduler(
    'heartbeat',
    { every: HEARTBEAT_EVERY_MS },
    { name: JobName.Heartbeat, data: { requestedBy: 'scheduler' } },
  );
  await app
    .get(Queues)
    .get(JOB_QUEUE[JobName.ReconcileQueue])
    .upsertJobScheduler('reconcile', { every: config.delivery.reconcileSeconds * 1000 }, { name: JobName.ReconcileQueue, data: {} });
  await app
    .get(Queues)
    .get(JOB_QUEUE[JobName.Retention])
    .upsertJobScheduler('retention', { every: RETENTION_EVERY_MS }, { name: JobName.Retention, data: {} });
  await app
    .get(Queues)
    .get(JOB_QUEUE[JobName.WebhookFanout])
    .upsertJobScheduler('webhook-fanout', { every: WEBHOOK_FANOUT_EVERY_MS }, { name: JobName.WebhookFanout, data: {} });
  const redis = app.get<Redis>(REDIS);
  const health = await startHealthServer({
    host: config.bindAddress,
    port: config.ports.workerHealth,
    metrics: context.metrics,
    status: async () => {
      const beat = await redis.get(heartbeatKey(config.redisPrefix));
      return { lastHeartbeat: beat ? (JSON.parse(beat) as unknown) : null };
    },
  });
  logger.info({ healthPort: health.port }, 'worker running');
  return {
    app,
    healthPort: health.port,
    close: async () => {
      await health.close();
      await app.close();
    },
  };
}
