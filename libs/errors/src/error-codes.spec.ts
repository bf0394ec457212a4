import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { ERROR_CODES } from './error-codes';

test('docs/errors.md lists every error code with its status', () => {
  // Tests run from dist/; the docs are at the repository root.
  const doc = readFileSync(join(__dirname, '../../../../docs/errors.md'), 'utf8');
  for (const [code, info] of Object.entries(ERROR_CODES)) {
    assert.match(doc, new RegExp(`^\\| \`${code}\` +\\| ${info.status} +\\|`, 'm'), `docs/errors.md lists ${code}`);
  }
});
