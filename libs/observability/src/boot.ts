import { AppConfig, ConfigError, loadConfig } from '@postern/config';
import type { Logger } from 'pino';
import { createLogger } from './logger';
import { Metrics } from './metrics';

export interface BootContext {
  config: AppConfig;
  logger: Logger;
  metrics: Metrics;
}

/** Something that runs until closed. */
export interface Running {
  close(): Promise<void>;
}

/**
 * Runs an app's entrypoint: validates the configuration (one clear line and exit 1 when
 * wrong), starts it, and on SIGTERM/SIGINT closes it gracefully (a second signal exits).
 */
export function bootMain(app: string, start: (context: BootContext) => Promise<Running>): void {
  let config: AppConfig;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`postern: configuration error: ${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
  const logger = createLogger({ level: config.logLevel, app });
  const metrics = new Metrics();
  let running: Running | undefined;
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) {
      logger.warn({ signal }, 'second signal: exiting now');
      process.exit(1);
    }
    stopping = true;
    logger.info({ signal }, 'shutting down');
    (running ? running.close() : Promise.resolve()).then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  start({ config, logger, metrics }).then(
    (r) => {
      running = r;
    },
    (err: unknown) => {
      // Startup errors that name their cause (unreachable database or Redis) are shown as one line.
      const message = err instanceof Error ? err.message : String(err);
      logger.fatal({ err }, 'startup failed');
      process.stderr.write(`postern: ${message}\n`);
      process.exit(1);
    },
  );
}
