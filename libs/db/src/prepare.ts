import type { Logger } from 'pino';
import { DatabaseUnreachableError, createDataSource, ensureDatabase, runMigrations } from './data-source';

/**
 * Brings the database to the current schema before an app starts: creates it in local mode,
 * then runs pending migrations under the advisory lock.
 */
export async function prepareDatabase(options: { databaseUrl: string; createIfMissing: boolean; logger: Logger }): Promise<void> {
  if (options.createIfMissing) await ensureDatabase(options.databaseUrl);
  const dataSource = createDataSource(options.databaseUrl, { poolSize: 2 });
  try {
    await dataSource.initialize();
  } catch (err) {
    throw new DatabaseUnreachableError(options.databaseUrl, err);
  }
  try {
    const ran = await runMigrations(dataSource);
    if (ran.length > 0) options.logger.info({ migrations: ran }, 'database migrated');
  } finally {
    await dataSource.destroy();
  }
}
