import { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DataSource } from 'typeorm';
import { prepareDatabase } from '@postern/db';
import { BootContext, PinoNestLogger, Running, startHealthServer } from '@postern/observability';
import { ImapListenersService } from './imap/imap-listeners.service';
import { MtaModule } from './mta.module';
import { SmtpListenersService } from './smtp/smtp-listeners.service';

export interface RunningMta extends Running {
  app: INestApplicationContext;
  healthPort: number;
  smtp: SmtpListenersService;
  imap: ImapListenersService;
}

/** Boots the MTA: the SMTP listeners (MX, submission), IMAP (143, 993) and the health server that lists them. */
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
  const smtp = app.get(SmtpListenersService);
  const imap = app.get(ImapListenersService);
  try {
    await smtp.start();
    await imap.start();
  } catch (err) {
    await smtp.close();
    await imap.close();
    await app.close();
    throw err;
  }
  const health = await startHealthServer({
    host: config.bindAddress,
    port: config.ports.mtaHealth,
    metrics: context.metrics,
    status: async () => {
      await db.query('SELECT 1');
      return { listeners: [...smtp.status(), ...imap.status()] };
    },
  });
  logger.info({ healthPort: health.port, listeners: [...smtp.status(), ...imap.status()] }, 'mta running');
  return {
    app,
    healthPort: health.port,
    smtp,
    imap,
    close: async () => {
      // New sessions stop first; running ones finish (or get 421 / BYE) before the database closes.
      await imap.close();
      await smtp.close();
      await health.close();
      await app.close();
    },
  };
}
