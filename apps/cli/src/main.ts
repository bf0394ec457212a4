import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { ConfigError, loadConfig } from '@postern/config';
import { prepareDatabase } from '@postern/db';
import { DomainError } from '@postern/errors';
import { Metrics, PinoNestLogger, createLogger } from '@postern/observability';
import { CliModule } from './cli.module';
import { USAGE, UsageError, runCommand, runOfflineCommand } from './commands';

async function main(argv: string[]): Promise<number> {
  if (argv.length === 0 || argv[0] === 'help' || argv[0] === '--help') {
    process.stdout.write(`${USAGE}\n`);
    return argv.length === 0 ? 2 : 0;
  }
  if (await runOfflineCommand(argv, (line) => process.stdout.write(`${line}\n`))) return 0;
  const config = loadConfig();
  const logger = createLogger({ level: config.logLevel === 'info' ? 'warn' : config.logLevel, app: 'cli' });
  await prepareDatabase({ databaseUrl: config.databaseUrl, createIfMissing: config.localMode, logger });
  const app = await NestFactory.createApplicationContext(CliModule.forRoot({ config, logger, metrics: new Metrics() }), {
    logger: new PinoNestLogger(logger),
    abortOnError: false,
  });
  try {
    await runCommand(app, argv, (line) => process.stdout.write(`${line}\n`));
    return 0;
  } finally {
    await app.close();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    if (err instanceof UsageError) process.stderr.write(`postern: ${err.message}\n\n${USAGE}\n`);
    else if (err instanceof ConfigError) process.stderr.write(`postern: configuration error: ${err.message}\n`);
    else if (err instanceof DomainError) process.stderr.write(`postern: ${err.message} (${err.code})\n`);
    else process.stderr.write(`postern: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(err instanceof UsageError ? 2 : 1);
  },
);
