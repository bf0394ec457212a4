import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isUuid, uuidv7 } from './ids';

test('UUIDv7 ids are valid UUIDs that sort by creation time', () => {
  const a = uuidv7(1_700_000_000_000);
  const b = uuidv7(1_700_000_000_001);
  assert.ok(isUuid(a) && isUuid(b));
  assert.equal(a[14], '7', 'version 7');
  assert.match(a[19], /[89ab]/, 'RFC 9562 variant');
  assert.ok(a < b);
  assert.equal(a.slice(0, 13).replace('-', ''), (1_700_000_000_000).toString(16).padStart(12, '0'));
});
