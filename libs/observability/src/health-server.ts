import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { Metrics } from './metrics';

/**
 * A minimal HTTP server for apps without an API (worker, MTA): `/healthz` (with the
 * app's own status details) and `/metrics`.
 */
export async function startHealthServer(options: {
  host: string;
  port: number;
  metrics: Metrics;
  status: () => Promise<Record<string, unknown>>;
}): Promise<{ server: Server; port: number; close(): Promise<void> }> {
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const reply = (status: number, type: string, body: string) => {
      res.writeHead(status, { 'Content-Type': type });
      res.end(body);
    };
    if (path === '/healthz') {
      options.status().then(
        (details) => reply(200, 'application/json', JSON.stringify({ status: 'ok', ...details })),
        (err: unknown) => reply(503, 'application/json', JSON.stringify({ status: 'down', error: String(err) })),
      );
    } else if (path === '/metrics') {
      options.metrics.registry.metrics().then(
        (text) => reply(200, options.metrics.registry.contentType, text),
        (err: unknown) => reply(500, 'text/plain', String(err)),
      );
    } else {
      reply(404, 'application/json', JSON.stringify({ status: 404, title: 'Not found' }));
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, resolve);
  });
  return {
    server,
    port: (server.address() as AddressInfo).port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
