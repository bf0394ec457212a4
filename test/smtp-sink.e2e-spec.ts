import assert from 'node:assert/strict';
import { ChildProcess, spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { TestDnsServer, TestEnv, createTestEnv, eventually, freePort, http, startDnsServer } from '@postern/testing';
import { RunningApi, startApi } from '../apps/api/src/start';
import { RunningWorker, startWorker } from '../apps/worker/src/start';

/** Postfix's smtp-sink (Debian's postfix package) as a delivery peer nobody here wrote. */
describe("delivery to Postfix's smtp-sink", () => {
  let env: TestEnv;
  let api: RunningApi;
  let worker: RunningWorker;
  let dns: TestDnsServer;
  let sink: ChildProcess;
  let dumps: string;

  before(async () => {
    dumps = mkdtempSync(join(tmpdir(), 'postern-sink-'));
    chmodSync(dumps, 0o777); // smtp-sink drops to `nobody` before writing
    const port = await freePort();
    sink = spawn('/usr/sbin/smtp-sink', ['-u', 'nobody', '-d', `${dumps}/%H%M%S.`, `127.0.0.1:${port}`, '10'], { stdio: 'ignore' });
    dns = await startDnsServer({
      'sink.test': { MX: [{ preference: 5, exchange: 'mx.sink.test' }] },
      'mx.sink.test': { A: ['127.0.0.1'] },
    });
    env = createTestEnv({ POSTERN_DNS_SERVERS: dns.servers.join(','), POSTERN_REMOTE_SMTP_PORT: String(port) });
    api = await startApi(env.context);
    worker = await startWorker(env.context, { prepare: false });
  });

  after(async () => {
    sink?.kill();
    await worker?.close();
    await api?.close();
    await dns?.close();
    await env?.cleanup();
    rmSync(dumps, { recursive: true, force: true });
  });

  test('a sent message reaches smtp-sink with its envelope and DKIM signatures, and is recorded as delivered', async () => {
    const local = api.local!;
    const to = ['one@sink.test', 'two@sink.test'];
    const sent = await http(api.url, 'POST', '/v1/messages', {
      key: local.apiKey,
      json: { from: { address: local.address }, to: to.map((address) => ({ address })), subject: 'To the sink', text: 'Hello sink' },
    });
    assert.equal(sent.status, 202, sent.text);
    const message = await eventually(
      async () => {
        const got = await http(api.url, 'GET', `/v1/messages/${sent.body.id}`, { key: local.apiKey });
        return got.body.recipients.every((r: { status: string }) => r.status === 'delivered') ? got.body : undefined;
      },
      { timeoutMs: 20_000, what: 'delivery to smtp-sink' },
    );
    assert.equal(message.recipients[0].attempts[0].smtpCode, 250);
    const files = readdirSync(dumps);
    assert.equal(files.length, 1, 'one transaction for both recipients');
    const dump = readFileSync(join(dumps, files[0]), 'latin1');
    assert.match(dump, /^X-Rcpt-Args: <one@sink\.test>/m);
    assert.match(dump, /^X-Rcpt-Args: <two@sink\.test>/m);
    assert.match(dump, new RegExp(`^X-Mail-Args: <${local.address.split('@')[0]}\\+[0-9a-f]{16}@localhost>`, 'm'));
    assert.equal((dump.match(/^DKIM-Signature: /gm) ?? []).length, 2);
    assert.match(dump, /^Subject: To the sink/m);
  });
});
