import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { promises as dnsPromises } from 'node:dns';
import { connect } from 'node:net';
import { after, before, describe, it } from 'node:test';
import * as packet from 'dns-packet';
import { TestDnsServer, startDnsServer } from './dns-server';

// 414 bytes, as a 2048-bit DKIM key record would be.
const dkimKey = 'v=DKIM1; k=rsa; p=' + 'MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA'.repeat(9);
const python = '/usr/bin/python3';
const hasDnspython = spawnSync(python, ['-c', 'import dns.resolver'], { stdio: 'ignore' }).status === 0;

function query(name: string, type: packet.RecordType, id = 4242): Buffer {
  return packet.encode({ type: 'query', id, flags: packet.RECURSION_DESIRED, questions: [{ type, name }] });
}

type Reply = packet.DecodedPacket & { rcode?: string; answers: { type: string; data: unknown }[]; authorities: { type: string }[] };

async function udpExchange(port: number, message: Buffer): Promise<Reply> {
  const socket = createSocket('udp4');
  try {
    const reply = new Promise<Buffer>((resolve) => socket.once('message', resolve));
    socket.send(message, port, '127.0.0.1');
    return packet.decode(await reply) as Reply;
  } finally {
    socket.close();
  }
}

describe('test DNS server', () => {
  let dns: TestDnsServer;
  const resolver = () => {
    const r = new dnsPromises.Resolver({ timeout: 1000, tries: 1 });
    r.setServers(dns.servers);
    return r;
  };

  before(async () => {
    dns = await startDnsServer({
      'Example.TEST.': {
        A: ['192.0.2.10'],
        AAAA: ['2001:db8::10'],
        MX: [
          { preference: 10, exchange: 'mx1.example.test' },
          { preference: 20, exchange: 'MX2.example.test.' },
        ],
      },
      'selector._domainkey.example.test': { TXT: [dkimKey] },
      'www.example.test': { CNAME: 'example.test' },
      'nomail.test': { MX: [{ preference: 0, exchange: '.' }] },
      'big.test': { TXT: Array.from({ length: 12 }, (_, i) => `record ${i} ` + 'x'.repeat(200)) },
    });
    dns.servfail('broken.test');
  });

  after(() => dns?.close());

  it('listens on one ephemeral 127.0.0.1 port for UDP and TCP', () => {
    assert.ok(dns.port > 0);
    assert.deepEqual(dns.servers, [`127.0.0.1:${dns.port}`]);
  });

  it('answers NXDOMAIN for unknown names and NODATA with an SOA for a known name lacking the type, on the wire', async () => {
    const missing = await udpExchange(dns.port, query('nowhere.test', 'A', 7));
    assert.equal(missing.id, 7);
    assert.equal(missing.type, 'response');
    assert.equal(missing.rcode, 'NXDOMAIN');
    assert.equal(missing.flag_aa, true);
    assert.equal(missing.answers.length, 0);
    assert.equal(missing.authorities[0]?.type, 'SOA');

    const nodata = await udpExchange(dns.port, query('EXAMPLE.test', 'TXT', 8));
    assert.equal(nodata.rcode, 'NOERROR');
    assert.equal(nodata.answers.length, 0);
    assert.equal(nodata.authorities[0]?.type, 'SOA');

    // RFC 8020: a name with only names below it exists (NODATA, not NXDOMAIN).
    const parent = await udpExchange(dns.port, query('_domainkey.example.test', 'TXT'));
    assert.equal(parent.rcode, 'NOERROR');
    assert.equal((await udpExchange(dns.port, query('broken.test', 'MX'))).rcode, 'SERVFAIL');
  });

  it('frames answers with a length prefix over TCP, several queries per connection', async () => {
    const socket = connect(dns.port, '127.0.0.1');
    const frame = (m: Buffer) => Buffer.concat([Buffer.from([m.length >> 8, m.length & 0xff]), m]);
    socket.write(Buffer.concat([frame(query('example.test', 'A', 1)), frame(query('example.test', 'MX', 2))]));
    let buffer = Buffer.alloc(0);
    const replies: Reply[] = [];
    for await (const chunk of socket) {
      buffer = Buffer.concat([buffer, chunk as Buffer]);
      while (buffer.length >= 2 && buffer.length >= 2 + buffer.readUInt16BE(0)) {
        replies.push(packet.decode(buffer.subarray(2, 2 + buffer.readUInt16BE(0))) as Reply);
        buffer = buffer.subarray(2 + buffer.readUInt16BE(0));
      }
      if (replies.length === 2) break;
    }
    socket.destroy();
    assert.deepEqual(
      replies.map((r) => r.id),
      [1, 2],
    );
    assert.equal(replies[0].answers[0].data, '192.0.2.10');
    assert.deepEqual(replies[1].answers[1].data, { preference: 20, exchange: 'mx2.example.test' });
  });

  it("answers node's resolver: addresses, MX, CNAME, null MX and the error codes delivery classifies", async () => {
    const r = resolver();
    assert.deepEqual(await r.resolve4('example.test'), ['192.0.2.10']);
    assert.deepEqual(await r.resolve6('EXAMPLE.TEST'), ['2001:db8::10']);
    assert.deepEqual(await r.resolveMx('example.test'), [
      { exchange: 'mx1.example.test', priority: 10 },
      { exchange: 'mx2.example.test', priority: 20 },
    ]);
    assert.deepEqual(await r.resolveCname('www.example.test'), ['example.test']);
    assert.deepEqual(await r.resolve4('www.example.test'), ['192.0.2.10'], 'CNAME followed to the target');
    assert.deepEqual(await r.resolveMx('nomail.test'), [{ exchange: '', priority: 0 }]);
    await assert.rejects(r.resolve4('nowhere.test'), { code: 'ENOTFOUND' });
    await assert.rejects(r.resolveTxt('example.test'), { code: 'ENODATA' });
    await assert.rejects(r.resolveMx('broken.test'), { code: 'ESERVFAIL' });
  });

  it('splits a TXT value over 255 bytes into character-strings of one record', async () => {
    const raw = await udpExchange(dns.port, query('selector._domainkey.example.test', 'TXT'));
    const strings = raw.answers[0].data as Buffer[];
    assert.deepEqual(
      strings.map((s) => s.length),
      [255, dkimKey.length - 255],
    );
    const records = await resolver().resolveTxt('selector._domainkey.example.test');
    assert.equal(records.length, 1);
    assert.equal(records[0].join(''), dkimKey);
  });

  it('truncates UDP answers over 512 bytes so the client retries over TCP', async () => {
    const raw = await udpExchange(dns.port, query('big.test', 'TXT'));
    assert.equal(raw.flag_tc, true);
    assert.equal(raw.answers.length, 0);
    const records = await resolver().resolveTxt('big.test');
    assert.equal(records.length, 12);
  });

  it('applies set and remove at once and records the queries it saw', async () => {
    const r = resolver();
    dns.set('Later.test', { TXT: ['v=spf1 -all'] });
    assert.deepEqual(await r.resolveTxt('later.test'), [['v=spf1 -all']]);
    dns.remove('later.test');
    await assert.rejects(r.resolveTxt('later.test'), { code: 'ENOTFOUND' });
    assert.deepEqual(dns.queries.slice(-2), [
      { name: 'later.test', type: 'TXT' },
      { name: 'later.test', type: 'TXT' },
    ]);
  });

  it('answers dnspython', { skip: hasDnspython ? false : `${python} with dnspython is not installed` }, async () => {
    const script = `
import sys, dns.resolver
r = dns.resolver.Resolver(configure=False)
r.nameservers = ['127.0.0.1']
r.port = int(sys.argv[1])
r.lifetime = 3
print('A', sorted(a.address for a in r.resolve('example.test', 'A')))
print('MX', sorted((m.preference, m.exchange.to_text()) for m in r.resolve('example.test', 'MX')))
print('TXT', b''.join(r.resolve('selector._domainkey.example.test', 'TXT')[0].strings).decode())
print('BIG', len(r.resolve('big.test', 'TXT')))
try:
    r.resolve('nowhere.test', 'A')
except dns.resolver.NXDOMAIN:
    print('NXDOMAIN')
try:
    r.resolve('example.test', 'TXT')
except dns.resolver.NoAnswer:
    print('NODATA')
`;
    // Asynchronously: the server answers from this process's event loop.
    const stdout = await new Promise<string>((resolve, reject) =>
      execFile(python, ['-c', script, String(dns.port)], { timeout: 15_000 }, (err, out, stderr) =>
        err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(out),
      ),
    );
    assert.equal(
      stdout,
      [
        "A ['192.0.2.10']",
        "MX [(10, 'mx1.example.test.'), (20, 'mx2.example.test.')]",
        `TXT ${dkimKey}`,
        'BIG 12',
        'NXDOMAIN',
        'NODATA',
        '',
      ].join('\n'),
    );
  });
});
