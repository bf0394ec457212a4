import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { ipGroups } from './ip-groups';

describe('ipGroups', () => {
  it('groups an IPv4 address by /32, /26 and /21', () => {
    assert.deepEqual(ipGroups('192.0.2.77'), ['192.0.2.77/32', '192.0.2.64/26', '192.0.0.0/21']);
  });

  it('treats an IPv4-mapped IPv6 address as IPv4', () => {
    assert.deepEqual(ipGroups('::ffff:192.0.2.77'), ipGroups('192.0.2.77'));
  });

  it('groups IPv6 by /64, /48 and /32, so two hosts of one /64 share every group', () => {
    const a = ipGroups('2001:db8:1:2::1');
    const b = ipGroups('2001:db8:1:2:ffff::9');
    assert.deepEqual(a, b);
    assert.equal(a.length, 3);
    assert.notDeepEqual(ipGroups('2001:db8:1:3::1')[0], a[0]);
    assert.equal(ipGroups('2001:db8:1:3::1')[1], a[1]);
    assert.equal(ipGroups('2001:db8:ffff::1')[2], a[2]);
  });
});
