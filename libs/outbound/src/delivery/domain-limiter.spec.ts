import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DomainLimiter } from './domain-limiter';

describe('DomainLimiter', () => {
  it('runs at most `limit` tasks per domain while other domains proceed', async () => {
    const limiter = new DomainLimiter(2);
    let active = 0;
    let peak = 0;
    const releases: (() => void)[] = [];
    const slow = () =>
      limiter.run('slow.test', async () => {
        active++;
        peak = Math.max(peak, active);
        await new Promise<void>((resolve) => releases.push(resolve));
        active--;
      });
    const running = [slow(), slow(), slow(), slow()];
    await new Promise((r) => setImmediate(r));
    assert.equal(releases.length, 2, 'two started, two wait');
    assert.equal(await limiter.run('fast.test', () => Promise.resolve('done')), 'done', 'another domain is not blocked');
    while (releases.length > 0) {
      releases.shift()!();
      await new Promise((r) => setImmediate(r));
    }
    await Promise.all(running);
    assert.equal(peak, 2);
  });

  it('frees the slot when the task throws', async () => {
    const limiter = new DomainLimiter(1);
    await assert.rejects(
      limiter.run('x.test', () => Promise.reject(new Error('boom'))),
      /boom/,
    );
    assert.equal(await limiter.run('x.test', () => Promise.resolve(1)), 1);
  });
});
