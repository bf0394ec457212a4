import type { NextFunction, Request, Response } from 'express';
import type { Logger, Metrics } from '@postern/observability';
import { newConnectionId } from '@postern/observability';

/** Records request duration by route pattern and status, and logs each request with its id. */
export function httpObserver(metrics: Metrics, logger: Logger) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const started = process.hrtime.bigint();
    const requestId = newConnectionId();
    res.setHeader('X-Request-Id', requestId);
    res.on('finish', () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const route = (req.route as { path?: string } | undefined)?.path ?? 'unmatched';
      metrics.httpRequestDuration.observe({ method: req.method, route, status: String(res.statusCode) }, seconds);
      logger.info({ requestId, method: req.method, url: req.originalUrl, status: res.statusCode, ms: Math.round(seconds * 1000) }, 'http');
    });
    next();
  };
}
