import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { addressKey } from '@postern/events';
import { isHardBounce, nextAttemptDelay } from './retry-policy';

describe('retry policy', () => {
  const schedule = [450, 900, 1800];

  it('waits the scheduled time with at most 5 % jitter, then gives up', () => {
    assert.equal(
      nextAttemptDelay(schedule, 1, () => 0.5),
      450_000,
    );
    assert.equal(
      nextAttemptDelay(schedule, 2, () => 0),
      855_000,
    );
    assert.equal(
      nextAttemptDelay(schedule, 3, () => 1),
      1_890_000,
    );
    assert.equal(nextAttemptDelay(schedule, 4), null);
  });

  it('treats bad-mailbox codes as hard bounces and policy or full-mailbox codes as not', () => {
    assert.equal(isHardBounce(550, '5.1.1'), true);
    assert.equal(isHardBounce(550, null), true);
    assert.equal(isHardBounce(554, '5.2.1'), true);
    assert.equal(isHardBounce(550, '5.7.1'), false, 'policy rejection is not a bad address');
    assert.equal(isHardBounce(552, '5.2.2'), false, 'mailbox full');
    assert.equal(isHardBounce(451, '4.3.0'), false);
  });

  it('matches addresses without case and +tag', () => {
    assert.equal(addressKey('Bob+News@Example.ORG'), 'bob@example.org');
    assert.equal(addressKey('+x@example.org'), '+x@example.org');
  });
});
