import assert from 'node:assert/strict';
import { createServer, Server } from 'node:https';
import { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { TestDnsServer, selfSignedCertificate, startDnsServer } from '@postern/testing';
import { MtaStsCache, mtaStsHostMatches, parseMtaStsPolicy } from './mta-sts';
import { resolveHostAddresses, resolveMxHosts } from './mx';
import { DnsError, cachingResolver, classifyDnsError, createResolver } from './resolver';

describe('MX resolution and MTA-STS against a local DNS server', () => {
  let dns: TestDnsServer;
  let https: Server;
  let httpsPort: number;
  let ca: string;
  let policyText = 'version: STSv1\nmode: enforce\nmx: *.mx.sts.test\nmax_age: 600\n';
  let fetches = 0;
  /** How the policy host answers: the policy, a failure, a redirect, or the wrong media type. */
  let serve: 'policy' | 'error' | 'redirect' | 'html' = 'policy';
  const resolver = () => createResolver({ servers: dns.servers, timeoutMs: 1000, tries: 1 });

  before(async () => {
    dns = await startDnsServer({
      'multi.test': {
        MX: [
          { preference: 20, exchange: 'c.multi.test' },
          { preference: 10, exchange: 'a.multi.test' },
          { preference: 10, exchange: 'b.multi.test' },
        ],
      },
      'implicit.test': { A: ['192.0.2.1'], AAAA: ['2001:db8::1'] },
      'nullmx.test': { MX: [{ preference: 0, exchange: '.' }] },
      'nothing.test': { TXT: ['just text'] },
      'long.test': { TXT: ['v=DKIM1; p=' + 'A'.repeat(600)] },
      'sts.test': { MX: [{ preference: 10, exchange: 'x.mx.sts.test' }] },
      '_mta-sts.sts.test': { TXT: ['v=STSv1; id=one'] },
      'mta-sts.sts.test': { A: ['127.0.0.1'] },
      '_mta-sts.kept.test': { TXT: ['v=STSv1; id=k1'] },
      'mta-sts.kept.test': { A: ['127.0.0.1'] },
      '_mta-sts.odd.test': { TXT: ['v=STSv1; id=o1'] },
    });
    dns.servfail('broken.test');
    const cert = await selfSignedCertificate(['mta-sts.sts.test', 'mta-sts.kept.test', 'mta-sts.odd.test']);
    ca = cert.cert;
    https = createServer({ key: cert.key, cert: cert.cert }, (req, res) => {
      fetches++;
      assert.equal(req.url, '/.well-known/mta-sts.txt');
      if (serve === 'error') res.writeHead(500).end();
      else if (serve === 'redirect') res.writeHead(302, { location: '/elsewhere.txt' }).end();
      else res.writeHead(200, { 'content-type': serve === 'html' ? 'text/html' : 'text/plain; charset=utf-8' }).end(policyText);
    });
    await new Promise<void>((resolve) => https.listen(0, '127.0.0.1', resolve));
    httpsPort = (https.address() as AddressInfo).port;
  });

  after(async () => {
    https?.close();
    await dns?.close();
  });

  it('sorts MX by preference and shuffles equal preferences (RFC 5321 5.1)', async () => {
    const low = await resolveMxHosts(resolver(), 'multi.test', () => 0.9);
    assert.ok(low.kind === 'hosts');
    assert.equal(low.hosts[2].host, 'c.multi.test');
    const orders = new Set<string>();
    for (const r of [0.1, 0.9, 0.2, 0.8]) {
      let i = 0;
      const res = await resolveMxHosts(resolver(), 'multi.test', () => (i++ % 2 === 0 ? r : 1 - r));
      assert.ok(res.kind === 'hosts');
      orders.add(
        res.hosts
          .slice(0, 2)
          .map((h) => h.host)
          .join(','),
      );
    }
    assert.deepEqual([...orders].sort(), ['a.multi.test,b.multi.test', 'b.multi.test,a.multi.test']);
  });

  it('uses the domain itself without MX, knows null MX, and separates NXDOMAIN, NODATA and SERVFAIL', async () => {
    assert.deepEqual(await resolveMxHosts(resolver(), 'implicit.test'), {
      kind: 'hosts',
      hosts: [{ host: 'implicit.test', preference: 0, implicit: true }],
    });
    assert.deepEqual(await resolveHostAddresses(resolver(), 'implicit.test'), ['192.0.2.1', '2001:db8::1']);
    assert.deepEqual(await resolveMxHosts(resolver(), 'nullmx.test'), { kind: 'null-mx' });
    await assert.rejects(resolveMxHosts(resolver(), 'missing.test'), (e: unknown) => e instanceof DnsError && e.kind === 'nxdomain');
    await assert.rejects(resolveMxHosts(resolver(), 'nothing.test'), (e: unknown) => e instanceof DnsError && e.kind === 'nodata');
    await assert.rejects(resolveMxHosts(resolver(), 'broken.test'), (e: unknown) => e instanceof DnsError && e.kind === 'temporary');
  });

  it('serves TXT records longer than 255 bytes as several strings of one record', async () => {
    const [record] = await resolver().resolveTxt('long.test');
    assert.ok(record.length > 1);
    assert.equal(record.join(''), 'v=DKIM1; p=' + 'A'.repeat(600));
  });

  it('fetches, caches and refreshes MTA-STS policies (RFC 8461)', async () => {
    const cache = new MtaStsCache({ resolver: resolver(), port: httpsPort, ca });
    const policy = await cache.policyFor('sts.test');
    assert.deepEqual(policy, { id: 'one', mode: 'enforce', mx: ['*.mx.sts.test'], maxAge: 600 });
    await cache.policyFor('sts.test');
    assert.equal(fetches, 1, 'cached while the id is unchanged');
    policyText = 'version: STSv1\nmode: testing\nmx: *.mx.sts.test\nmax_age: 600\n';
    dns.set('_mta-sts.sts.test', { TXT: ['v=STSv1; id=two'] });
    assert.equal((await cache.policyFor('sts.test'))?.mode, 'testing', 'a new id fetches again');
    assert.equal(fetches, 2);
    assert.equal(await cache.policyFor('implicit.test'), null, 'no TXT record: no policy');
    const untrusted = new MtaStsCache({ resolver: resolver(), port: httpsPort });
    await assert.rejects(untrusted.policyFor('sts.test'), /certificate/i);
  });

  it('keeps a cached policy when a refetch fails, until max_age passes (RFC 8461 5.1)', async () => {
    let clock = 1_000_000;
    const cache = new MtaStsCache({ resolver: resolver(), port: httpsPort, ca, now: () => clock });
    policyText = 'version: STSv1\nmode: enforce\nmx: mx.kept.test\nmax_age: 100\n';
    serve = 'policy';
    const before = fetches;
    assert.equal((await cache.policyFor('kept.test'))?.id, 'k1');
    dns.set('_mta-sts.kept.test', { TXT: ['v=STSv1; id=k2'] });
    serve = 'error';
    assert.deepEqual(await cache.policyFor('kept.test'), { id: 'k1', mode: 'enforce', mx: ['mx.kept.test'], maxAge: 100 });
    assert.equal(fetches, before + 2, 'the new id was tried');
    clock += 101_000;
    await assert.rejects(cache.policyFor('kept.test'), /HTTP 500/);
    serve = 'policy';
  });

  it('refuses redirects and policies not served as text/plain (RFC 8461 3.3)', async () => {
    // lookupAddress stands in for the DNS lookup of mta-sts.odd.test, which has no A record.
    const looked: string[] = [];
    const lookupAddress = (host: string) => (looked.push(host), Promise.resolve('127.0.0.1'));
    const cache = () => new MtaStsCache({ resolver: resolver(), port: httpsPort, ca, lookupAddress });
    serve = 'redirect';
    await assert.rejects(cache().policyFor('odd.test'), /HTTP 302/);
    serve = 'html';
    await assert.rejects(cache().policyFor('odd.test'), /text\/html, not text\/plain/);
    serve = 'policy';
    assert.equal((await cache().policyFor('odd.test'))?.id, 'o1');
    assert.deepEqual(looked, ['mta-sts.odd.test', 'mta-sts.odd.test', 'mta-sts.odd.test']);
  });

  it('matches MX hosts by the RFC 8461 4.1 wildcard rule', () => {
    const policy = parseMtaStsPolicy('version: STSv1\nmode: enforce\nmx: *.example.com\nmx: mail.example.net\nmax_age: 86400\n');
    assert.equal(mtaStsHostMatches(policy, 'mx1.example.com'), true);
    assert.equal(mtaStsHostMatches(policy, 'MX1.EXAMPLE.COM.'), true);
    assert.equal(mtaStsHostMatches(policy, 'a.b.example.com'), false);
    assert.equal(mtaStsHostMatches(policy, 'example.com'), false);
    assert.equal(mtaStsHostMatches(policy, 'mail.example.net'), true);
    assert.throws(() => parseMtaStsPolicy('version: STSv1\nmode: sometimes\nmax_age: 1\n'), /mode/);
  });
});

describe('cachingResolver', () => {
  it('answers repeated lookups, NXDOMAIN included, from the cache until the TTL passes', async () => {
    const dns = await startDnsServer({ 'cached.test': { MX: [{ preference: 1, exchange: 'mx.cached.test' }] } });
    let clock = 0;
    const resolver = cachingResolver(createResolver({ servers: dns.servers, timeoutMs: 1000, tries: 1 }), 1000, () => clock);
    await resolver.resolveMx('cached.test');
    await resolver.resolveMx('CACHED.test');
    await assert.rejects(resolver.resolveMx('gone.test'));
    await assert.rejects(resolver.resolveMx('gone.test'));
    assert.equal(dns.queries.length, 2);
    clock = 2000;
    await resolver.resolveMx('cached.test');
    assert.equal(dns.queries.length, 3);
    await dns.close();
  });
});

describe('classifyDnsError', () => {
  it('makes ENOTFOUND nxdomain, ENODATA nodata and every other failure temporary', () => {
    const kinds = ['ENOTFOUND', 'ENODATA', 'ESERVFAIL', 'ETIMEOUT', 'ECONNREFUSED', undefined].map((code) => {
      const e = classifyDnsError(Object.assign(new Error('x'), { code }), 'example.test');
      return [e.kind, e.code, e.domain];
    });
    assert.deepEqual(kinds, [
      ['nxdomain', 'ENOTFOUND', 'example.test'],
      ['nodata', 'ENODATA', 'example.test'],
      ['temporary', 'ESERVFAIL', 'example.test'],
      ['temporary', 'ETIMEOUT', 'example.test'],
      ['temporary', 'ECONNREFUSED', 'example.test'],
      ['temporary', 'EUNKNOWN', 'example.test'],
    ]);
  });
});
