/** `npm run db:migrate`: runs pending migrations (under the advisory lock) and exits. */
import 'reflect-metadata';
import { ConfigError, loadConfig } from '@postern/config';
import { prepareDatabase } from '@postern/db';
import { createLogger } from '@postern/observability';

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger({ level: config.logLevel, app: 'migrate' });
  await prepareDatabase({ databaseUrl: config.databaseUrl, createIfMissing: config.localMode, logger });
  process.stdout.write('database is up to date\n');
}

main().catch((err: unknown) => {
  const prefix = err instanceof ConfigError ? 'configuration error: ' : '';
  process.stderr.write(`postern: ${prefix}${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
