import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { TestEnv, createTestEnv } from '@postern/testing';
import { createDataSource } from './data-source';
import { prepareDatabase } from './prepare';
import { MIGRATIONS } from './migrations';

let env: TestEnv;

before(async () => {
  env = createTestEnv();
  await prepareDatabase({ databaseUrl: env.config.databaseUrl, createIfMissing: true, logger: env.context.logger });
});

after(() => env.cleanup());

test('the migrations produce exactly the schema the entities describe', async () => {
  const dataSource = createDataSource(env.config.databaseUrl);
  await dataSource.initialize();
  try {
    const pending = await dataSource.driver.createSchemaBuilder().log();
    assert.deepEqual(
      pending.upQueries.map((q) => q.query),
      [],
      'entities changed without a migration: run `npm run db:generate -- Name`',
    );
    assert.equal(await dataSource.showMigrations(), false, 'no migration pending');
  } finally {
    await dataSource.destroy();
  }
});

test('migrations can be reverted and re-applied', async () => {
  const dataSource = createDataSource(env.config.databaseUrl);
  await dataSource.initialize();
  try {
    // Every migration's down(), newest first, leaves an empty schema.
    for (let i = 0; i < MIGRATIONS.length; i++) await dataSource.undoLastMigration();
    const tables = await dataSource.query<{ n: number }[]>(`SELECT count(*)::int AS n FROM pg_tables WHERE tablename = 'accounts'`);
    assert.equal(tables[0].n, 0);
    await dataSource.runMigrations();
    assert.equal(await dataSource.showMigrations(), false);
  } finally {
    await dataSource.destroy();
  }
});
