/** `npm run openapi`: writes openapi/openapi.json from the code (no database needed). */
import 'reflect-metadata';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openApiJson } from './openapi-document';

async function main(): Promise<void> {
  const dir = join(__dirname, '../../openapi');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'openapi.json'), await openApiJson());
  process.stdout.write('wrote openapi/openapi.json\n');
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
