import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { AppConfig, loadConfig } from '@postern/config';
import { dropDatabase } from '@postern/db';
import { BootContext, Metrics, createLogger } from '@postern/observability';

/** The local services tests run against; override with TEST_DATABASE_URL / TEST_REDIS_URL. */
const BASE_DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

export interface TestEnv {
  /** Environment variables for a child process using this test's database and Redis prefix. */
  env: Record<string, string>;
  config: AppConfig;
  context: BootContext;
  /** Drops the database, deletes the Redis keys and the data directory. */
  cleanup(): Promise<void>;
}

/**
 * A fresh database name, Redis key prefix and data directory for one test file, with every
 * listener on an ephemeral port. Nothing is shared with other tests or with a running Postern.
 */
export function createTestEnv(overrides: Record<string, string> = {}): TestEnv {
  const id = `${process.pid}_${randomBytes(4).toString('hex')}`;
  const url = new URL(BASE_DATABASE_URL);
  url.pathname = `/postern_test_${id}`;
  const dataDir = mkdtempSync(join(tmpdir(), 'postern-test-'));
  const env: Record<string, string> = {
    POSTERN_MODE: 'local',
    DATABASE_URL: url.toString(),
    REDIS_URL,
    POSTERN_REDIS_PREFIX: `postern-test-${id}`,
    POSTERN_DATA_DIR: dataDir,
    POSTERN_IMAP_PORT: '0',
    POSTERN_IMAPS_PORT: '0',
    POSTERN_HTTP_PORT: '0',
    POSTERN_WORKER_HEALTH_PORT: '0',
    POSTERN_MTA_HEALTH_PORT: '0',
    POSTERN_SMTP_PORT: '0',
    POSTERN_SUBMISSION_PORT: '0',
    POSTERN_SUBMISSIONS_PORT: '0',
    // Tests deliver to their own peers; local mode's simulation has its own test.
    POSTERN_OUTBOUND: 'direct',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    ...overrides,
  };
  const config = loadConfig(env);
  const context: BootContext = { config, logger: createLogger({ level: config.logLevel, app: 'test' }), metrics: new Metrics() };
  return {
    env,
    config,
    context,
    cleanup: async () => {
      await dropDatabase(config.databaseUrl);
      // The test Redis, even when this test pointed the app at another (unreachable) one.
      await deleteRedisKeys(REDIS_URL, config.redisPrefix);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export async function deleteRedisKeys(redisUrl: string, prefix: string): Promise<void> {
  const redis = new Redis(redisUrl);
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      if (keys.length > 0) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

/**
 * Polls until `check` returns a value other than undefined/false (an error counts as "not
 * yet", like a refused connection), or fails at the deadline. `failFast` ends the wait at once
 * when it returns an error (a child process that exited); `details` is added to the failure.
 */
export async function eventually<T>(
  check: () => Promise<T | undefined | false>,
  options: { timeoutMs?: number; what?: string; failFast?: () => Error | undefined; details?: () => string } = {},
): Promise<T> {
  const deadline = Date.now() + (options.timeoutMs ?? 10_000);
  const what = options.what ?? 'condition';
  const details = () => (options.details ? `\n${options.details()}` : '');
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined && value !== false) return value;
    } catch (err) {
      last = err;
    }
    const fatal = options.failFast?.();
    if (fatal) throw new Error(`${fatal.message} before ${what}${details()}`);
    if (Date.now() > deadline) {
      const reason = last instanceof Error ? ` (${last.message})` : last ? ` (${JSON.stringify(last)})` : '';
      throw new Error(`timed out waiting for ${what}${reason}${details()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
