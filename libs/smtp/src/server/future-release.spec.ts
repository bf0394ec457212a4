import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { futureReleaseKeyword, releaseTime } from './future-release';

const now = new Date('2026-12-01T12:00:00Z');

describe('FUTURERELEASE (RFC 4865)', () => {
  it('turns HOLDFOR seconds and HOLDUNTIL times into the release time', () => {
    assert.equal(releaseTime({ HOLDFOR: '90' }, 3600, now)?.toISOString(), '2026-12-01T12:01:30.000Z');
    assert.equal(releaseTime({ HOLDUNTIL: '2026-12-01T13:00:00+01:00' }, 3600, now)?.toISOString(), '2026-12-01T12:00:00.000Z');
    assert.equal(releaseTime({ BODY: '8BITMIME' }, 3600, now), null);
  });

  it('refuses both at once, bad syntax and times past the maximum', () => {
    assert.throws(() => releaseTime({ HOLDFOR: '1', HOLDUNTIL: '2026-12-01T13:00:00Z' }, 3600, now), /both/);
    assert.throws(() => releaseTime({ HOLDFOR: 'soon' }, 3600, now), /seconds/);
    assert.throws(() => releaseTime({ HOLDUNTIL: 'tomorrow' }, 3600, now), /RFC 3339/);
    assert.throws(() => releaseTime({ HOLDFOR: '3601' }, 3600, now), /more than 3600/);
  });

  it('announces the interval and the last date-time', () => {
    assert.equal(futureReleaseKeyword(86400, now), 'FUTURERELEASE 86400 2026-12-02T12:00:00Z');
  });
});
