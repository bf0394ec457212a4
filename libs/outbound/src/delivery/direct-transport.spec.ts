import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pino from 'pino';
import { MtaStsCache, createResolver } from '@postern/dns';
import { RecordingMx, TestDnsServer, startDnsServer, startRecordingMx } from '@postern/testing';
import { DirectTransport } from './direct-transport';

describe('DirectTransport', () => {
  let dns: TestDnsServer;
  let mx: RecordingMx;
  let transport: DirectTransport;

  before(async () => {
    dns = await startDnsServer({
      'many.test': { MX: [{ preference: 1, exchange: 'mx.many.test' }] },
      'mx.many.test': { A: ['127.0.0.1'] },
    });
    mx = await startRecordingMx({ rcptMax: 2 });
    const resolver = createResolver({ servers: dns.servers, timeoutMs: 1000, tries: 1 });
    transport = new DirectTransport({
      resolver,
      mtaSts: new MtaStsCache({ resolver }),
      localHostname: 'client.test',
      port: mx.port,
      logger: pino({ level: 'silent' }),
    });
  });

  after(async () => {
    await mx?.close();
    await dns?.close();
  });

  it('sends the recipients refused with 452 in a new transaction at once, until all are delivered', async () => {
    const recipients = ['a', 'b', 'c', 'd', 'e'].map((l) => `${l}@many.test`);
    const outcomes = await transport.deliver({
      domain: 'many.test',
      mailFrom: 'sender@client.test',
      recipients,
      data: Buffer.from('Subject: many\r\n\r\nhi\r\n'),
      requireTls: null,
    });
    assert.deepEqual(
      outcomes.map((o) => [o.address, o.outcome]).sort(),
      recipients.map((a) => [a, 'delivered']),
    );
    assert.equal(mx.mailCommands.length, 3, 'transactions of 2, 2 and 1 recipients');
    assert.deepEqual(
      mx.transactions.map((t) => t.recipients.length),
      [2, 2, 1],
    );
  });
});
