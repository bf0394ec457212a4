import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { DEFAULT_SMTP_LIMITS, IpLimiter } from './ip-limits';

describe('IpLimiter', () => {
  it('refuses the connection past the rate of one host, and a neighbour only past 4×', () => {
    let now = 1_000_000;
    const limiter = new IpLimiter({ ...DEFAULT_SMTP_LIMITS, connectionsPerMinute: 2 }, () => now);
    assert.equal(limiter.connect('192.0.2.1'), null);
    assert.equal(limiter.connect('192.0.2.1'), null);
    assert.deepEqual(limiter.connect('192.0.2.1'), { what: 'connections per minute', group: '192.0.2.1/32', limit: 2 });
    // The /26 allows 8: the neighbour gets its own 2 until the group is full.
    assert.equal(limiter.connect('192.0.2.2'), null);
    now += 60_000;
    assert.equal(limiter.connect('192.0.2.1'), null, 'a new minute starts over');
  });

  it('counts concurrent connections until released', () => {
    const limiter = new IpLimiter({ ...DEFAULT_SMTP_LIMITS, concurrentConnections: 1 });
    assert.equal(limiter.connect('2001:db8::1'), null);
    assert.equal(limiter.connect('2001:db8::2')?.what, 'concurrent connections', 'same /64');
    limiter.release('2001:db8::1');
    assert.equal(limiter.connect('2001:db8::2'), null);
  });

  it('refuses messages past the per-minute count and bytes past the byte limit', () => {
    const limiter = new IpLimiter({ ...DEFAULT_SMTP_LIMITS, messagesPerMinute: 1, bytesPerMinute: 100 });
    assert.equal(limiter.startMessage('192.0.2.9'), null);
    assert.equal(limiter.startMessage('192.0.2.9')?.what, 'messages per minute');
    const bytes = new IpLimiter({ ...DEFAULT_SMTP_LIMITS, bytesPerMinute: 100 });
    assert.equal(bytes.startMessage('192.0.2.9'), null);
    bytes.addBytes('192.0.2.9', 101);
    assert.equal(bytes.startMessage('192.0.2.9')?.what, 'bytes per minute');
  });

  it('delays AUTH replies only after the third failure', () => {
    const limiter = new IpLimiter({ ...DEFAULT_SMTP_LIMITS, authFailureDelayMs: 10 });
    for (let i = 0; i < 3; i++) {
      assert.equal(limiter.authDelayMs('192.0.2.5'), 0);
      limiter.authFailed('192.0.2.5');
    }
    assert.equal(limiter.authDelayMs('192.0.2.5'), 10);
    limiter.authFailed('192.0.2.5');
    assert.equal(limiter.authDelayMs('192.0.2.5'), 20);
  });
});
