import assert from 'node:assert/strict';
import { test } from 'node:test';
import { JobName, checkJobHandlers } from './jobs';

test('every job name with exactly one handler passes the boot check', () => {
  assert.doesNotThrow(() => checkJobHandlers(Object.values(JobName)));
});

test('a missing, doubled or unknown handler fails the boot check naming the job', () => {
  assert.throws(() => checkJobHandlers([], ['a']), /no handler for job 'a'/);
  assert.throws(() => checkJobHandlers(['a', 'a'], ['a']), /2 handlers for job 'a'/);
  assert.throws(() => checkJobHandlers(['a', 'b'], ['a']), /handler for unknown job 'b'/);
});
