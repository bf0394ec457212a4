import { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DataSource } from 'typeorm';
import { prepareDatabase } from '@postern/db';
import { BootContext, PinoNestLogger, Running, startHealthServer } from '@postern/observability';
import { ImapListenersService } from './imap/imap-listeners.service';
import { MtaModule } from './mta.module';

export interface RunningMta extends Running {
  app: INestApplicationContext;
  healthPort: number;
  imap: ImapListenersService;
}

/** Boots the MTA: for now its health server; the listeners come with the SMTP and IMAP issues. */
export async function startMta(context: BootContext, options: { prepare?: boolean } = {}): Promise<RunningMta> {
  const { config, logger } = context;
  if (options.prepare !== false) {
    await prepareDatabase({ databaseUrl: config.databaseUrl, createIfMissing: config.localMode, logger });
  }
  const app = await NestFactory.createApplicationContext(MtaModule.forRoot(context), {
    logger: new PinoNestLogger(logger.child({ component: 'nest' })),
    abortOnError: false,
  });
  const db = app.get(DataSource);
  const imap = app.get(ImapListenersService);
  try {
    await imap.start();
  } catch (err) {
    await app.close();
    throw err;
  }
  const health = await startHealthServer({
    host: config.bindAddress,
    port: config.ports.mtaHealth,
    metrics: context.metrics,
    status: async () => {
      await db.query('SELECT 1');
      return { listeners: imap.status() };
    },
  });
  logger.info({ healthPort: health.port }, 'mta running');
  return {
    app,
    healthPort: health.port,
    imap,
    close: async () => {
      await imap.close();
      await health.close();
      await app.close();
    },
  };
}
