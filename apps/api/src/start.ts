import { Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { INestApplication } from '@nestjs/common';
import { prepareDatabase } from '@postern/db';
import { BootContext, Running } from '@postern/observability';
import { checkRedis } from '@postern/queue';
import { createApiApp } from './api.app';
import { LocalCredentials, LocalModeService } from './local-mode/local-mode.service';

export interface RunningApi extends Running {
  app: INestApplication;
  port: number;
  url: string;
  /** Set in local mode: the ready account and keys. */
  local: LocalCredentials | null;
}

/** Prepares the database, checks Redis, then serves HTTP. In local mode also ensures the local account. */
export async function startApi(context: BootContext, options: { prepare?: boolean } = {}): Promise<RunningApi> {
  const { config, logger } = context;
  if (options.prepare !== false) {
    await prepareDatabase({ databaseUrl: config.databaseUrl, createIfMissing: config.localMode, logger });
    await checkRedis(config.redisUrl);
  }
  const app = await createApiApp(context);
  await app.listen(config.ports.http, config.bindAddress);
  const server = app.getHttpServer() as Server;
  const port = (server.address() as AddressInfo).port;
  const url = `http://${config.bindAddress === '0.0.0.0' ? '127.0.0.1' : config.bindAddress}:${port}`;
  const local = config.localMode ? await app.get(LocalModeService).ensure() : null;
  logger.info({ url, docs: `${url}/docs` }, 'api listening');
  return { app, port, url, local, close: () => app.close() };
}
