import { Redis } from 'ioredis';

/** Says which Redis could not be reached and how to start one. */
export class RedisUnreachableError extends Error {
  constructor(redisUrl: string, cause: unknown) {
    const url = new URL(redisUrl);
    const reason = cause instanceof Error ? cause.message : String(cause);
    super(
      `Redis is not reachable at ${url.hostname}:${url.port || 6379} (${reason}). ` +
        'Start it, for example with `docker compose up -d postgres redis`, or set REDIS_URL.',
    );
    this.name = 'RedisUnreachableError';
  }
}

/**
 * A Redis connection that does not connect until first used. BullMQ needs
 * `maxRetriesPerRequest: null` on its blocking connections.
 */
export function createRedis(redisUrl: string, options: { forBullmq?: boolean; onError?: (err: Error) => void } = {}): Redis {
  const redis = new Redis(redisUrl, {
    lazyConnect: true,
    connectTimeout: 5000,
    maxRetriesPerRequest: options.forBullmq ? null : 2,
    enableOfflineQueue: true,
  });
  // ioredis reconnects by itself; without a listener each failed attempt is an unhandled error event.
  redis.on('error', options.onError ?? (() => undefined));
  return redis;
}

/** Connects and pings, failing fast with RedisUnreachableError. */
export async function checkRedis(redisUrl: string): Promise<void> {
  const redis = new Redis(redisUrl, { lazyConnect: true, connectTimeout: 3000, maxRetriesPerRequest: 0, retryStrategy: () => null });
  // ioredis rejects connect() with a generic "Connection is closed"; the error event has the cause.
  let cause: unknown;
  redis.on('error', (err) => {
    cause ??= err;
  });
  try {
    await redis.connect();
    await redis.ping();
  } catch (err) {
    throw new RedisUnreachableError(redisUrl, cause ?? err);
  } finally {
    redis.disconnect();
  }
}
