import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Injectable } from '@nestjs/common';
import { DiscoveryModule, NestFactory } from '@nestjs/core';
import { Redis } from 'ioredis';
import { ConfigModule } from '@postern/config';
import { ObservabilityModule } from '@postern/observability';
import { JOB_QUEUE, JobName, QueueModule, Queues, heartbeatKey } from '@postern/queue';
import { TestEnv, createTestEnv, eventually } from '@postern/testing';
import { HeartbeatHandler } from '../apps/worker/src/heartbeat/heartbeat.handler';
import { HandlesJob } from '../apps/worker/src/jobs/job-handler';
import { JobRunnerService } from '../apps/worker/src/jobs/job-runner.service';
import { RunningWorker, startWorker } from '../apps/worker/src/start';

describe('worker', () => {
  let env: TestEnv;
  let worker: RunningWorker;
  let redis: Redis;

  before(async () => {
    env = createTestEnv();
    worker = await startWorker(env.context);
    redis = new Redis(env.config.redisUrl);
  });

  after(async () => {
    redis?.disconnect();
    await worker?.close();
    await env?.cleanup();
  });

  test('a job enqueued in Redis under the test prefix is run by its handler', async () => {
    const queue = worker.app.get(Queues).get(JOB_QUEUE[JobName.Heartbeat]);
    await queue.add(JobName.Heartbeat, { requestedBy: 'worker test' });
    const beat = await eventually(
      async () => {
        const raw = await redis.get(heartbeatKey(env.config.redisPrefix));
        const parsed = raw ? (JSON.parse(raw) as { requestedBy: string }) : undefined;
        return parsed?.requestedBy === 'worker test' ? parsed : undefined;
      },
      { what: 'the heartbeat job to run' },
    );
    assert.equal(beat.requestedBy, 'worker test');
    const keys = await redis.keys(`${env.config.redisPrefix}:*`);
    assert.ok(keys.length > 0 && keys.every((k) => k.startsWith(`${env.config.redisPrefix}:`)), 'every key under the prefix');
  });

  test('the health server reports the last heartbeat', async () => {
    const res = await fetch(`http://127.0.0.1:${worker.healthPort}/healthz`);
    assert.equal(res.status, 200);
    const body = (await res.json()) as { status: string; lastHeartbeat: unknown };
    assert.equal(body.status, 'ok');
    assert.ok(body.lastHeartbeat);
    const metrics = await fetch(`http://127.0.0.1:${worker.healthPort}/metrics`);
    assert.match(await metrics.text(), /postern_nodejs_heap_size_total_bytes/);
  });

  test('boot fails when a job name has two handlers', async () => {
    @Injectable()
    @HandlesJob(JobName.Heartbeat)
    class SecondHeartbeatHandler {
      async handle(): Promise<void> {}
    }
    // createApplicationContext runs the bootstrap hooks, where the check lives.
    await assert.rejects(
      NestFactory.createApplicationContext(
        {
          module: class DoubledModule {},
          imports: [ConfigModule.forRoot(env.config), ObservabilityModule.forRoot(env.context), QueueModule, DiscoveryModule],
          providers: [JobRunnerService, HeartbeatHandler, SecondHeartbeatHandler],
        },
        { logger: false, abortOnError: false },
      ),
      /2 handlers for job 'maintenance\.heartbeat'/,
    );
  });
});
