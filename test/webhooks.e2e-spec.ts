import assert from 'node:assert/strict';
import { IncomingHttpHeaders, Server, createServer } from 'node:http';
import { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { Webhook } from 'standardwebhooks';
import { TestEnv, createTestEnv, eventually, http } from '@postern/testing';
import { RunningApi, startApi } from '../apps/api/src/start';
import { RunningWorker, startWorker } from '../apps/worker/src/start';

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
  json: { type: string; timestamp: string; data: Record<string, unknown> };
}

describe('webhooks: signed deliveries of every outcome', () => {
  let env: TestEnv;
  let api: RunningApi;
  let worker: RunningWorker;
  let receiver: Server;
  let url: string;
  let answer = 200;
  const received: Received[] = [];
  let key: string;
  let from: string;
  const call = (method: string, path: string, json?: unknown) => http(api.url, method, path, { key, json });
  const send = (to: string, extra?: Record<string, string>) =>
    call('POST', '/v1/messages', { from: { address: from }, to: [{ address: to }], subject: 'Hook', text: 'x', extra });

  before(async () => {
    receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        if (answer >= 200 && answer < 300) received.push({ headers: req.headers, body, json: JSON.parse(body) as Received['json'] });
        res.writeHead(answer, { 'content-type': 'text/plain' });
        res.end(answer === 200 ? 'ok' : 'not now');
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`;
    env = createTestEnv({ POSTERN_OUTBOUND: 'local', POSTERN_WEBHOOK_RETRY_SCHEDULE: '1s,1s,1s,1s', POSTERN_RETRY_SCHEDULE: '1s,1s,1s' });
    api = await startApi(env.context);
    worker = await startWorker(env.context, { prepare: false });
    key = api.local!.apiKey;
    from = api.local!.address;
  });

  after(async () => {
    await worker?.close();
    await api?.close();
    receiver?.close();
    await env?.cleanup();
  });

  const arrived = (type: string, recipient: string) =>
    eventually(async () => Promise.resolve(received.find((r) => r.json.type === type && r.json.data.recipient === recipient)), {
      timeoutMs: 20_000,
      what: `${type} for ${recipient}`,
    });

  test('a delivery produces message.delivered, signed so that the standardwebhooks package verifies it', async () => {
    const endpoint = await call('POST', '/v1/webhook-endpoints', { url, description: 'test receiver' });
    assert.equal(endpoint.status, 201, endpoint.text);
    assert.match(endpoint.body.secret, /^whsec_[A-Za-z0-9+/]{43}=$/);
    const secret = endpoint.body.secret as string;

    const sent = await send('bob@example.org', { orderId: '42' });
    const hook = await arrived('message.delivered', 'bob@example.org');
    const verified = new Webhook(secret).verify(hook.body, hook.headers as Record<string, string>) as Received['json'];
    assert.equal(verified.type, 'message.delivered');
    assert.equal(verified.data.messageId, sent.body.id);
    assert.deepEqual(verified.data.extra, { orderId: '42' });
    assert.equal(verified.data.smtpCode, 250);
    assert.equal(hook.headers['webhook-id'], (await call('GET', `/v1/messages/${sent.body.id}/events`)).body.items[0].id);
    const tampered = hook.body.replace('"42"', '"43"');
    assert.throws(() => new Webhook(secret).verify(tampered, hook.headers as Record<string, string>));

    const deliveries = await call('GET', `/v1/webhook-deliveries?endpoint=${endpoint.body.id}&status=succeeded&message=${sent.body.id}`);
    assert.equal(deliveries.body.items.length, 1, 'one delivery for this message');
    const future = await call('GET', `/v1/webhook-deliveries?since=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`);
    assert.deepEqual(future.body.items, []);
    const one = await call('GET', `/v1/webhook-deliveries/${deliveries.body.items[0].id}`);
    assert.equal(one.body.attemptLog[0].status, 200);
  });

  test('a receiver that is down gets the event on a retry, with increasing attempt numbers', async () => {
    answer = 503;
    await send('carol@example.org');
    const pending = await eventually(
      async () => {
        const list = await call('GET', '/v1/webhook-deliveries?status=pending&eventType=message.delivered');
        return list.body.items.find((d: { attempts: number }) => d.attempts >= 2) as { id: string } | undefined;
      },
      { timeoutMs: 20_000, what: 'two failed attempts' },
    );
    answer = 200;
    await arrived('message.delivered', 'carol@example.org');
    const detail = await eventually(
      async () => {
        const d = await call('GET', `/v1/webhook-deliveries/${pending.id}`);
        return d.body.status === 'succeeded' ? d.body : undefined;
      },
      { what: 'the delivery to succeed' },
    );
    const log = detail.attemptLog as { number: number; status: number; response: string }[];
    assert.deepEqual(
      log.map((a) => a.number),
      log.map((_, i) => i + 1),
    );
    assert.equal(log[0].status, 503);
    assert.equal(log[0].response, 'not now');
    assert.equal(log[log.length - 1].status, 200);
  });

  test('after a rotation both secrets sign, so receivers can switch without losing a webhook', async () => {
    const [endpoint] = (await call('GET', '/v1/webhook-endpoints')).body.items as { id: string }[];
    const rotated = await call('POST', `/v1/webhook-endpoints/${endpoint.id}/rotate-secret`);
    assert.equal(rotated.status, 200, rotated.text);
    assert.equal(rotated.body.activeSecrets, 2);
    await send('dave@example.org');
    const hook = await arrived('message.delivered', 'dave@example.org');
    const signatures = String(hook.headers['webhook-signature']).split(' ');
    assert.equal(signatures.length, 2);
    new Webhook(rotated.body.secret as string).verify(hook.body, hook.headers as Record<string, string>);
  });

  test('a newer event for a recipient supersedes an undelivered older one: no delayed after failed', async () => {
    answer = 503;
    const sent = await send('temperror@example.org');
    await eventually(
      async () => {
        const got = await call('GET', `/v1/messages/${sent.body.id}`);
        return got.body.recipients[0].status === 'failed' || undefined;
      },
      { timeoutMs: 20_000, what: 'the message to fail after its retries' },
    );
    // Let the fan-out create the last delivery, then let the receiver answer again.
    await eventually(
      async () => (await call('GET', '/v1/webhook-deliveries?eventType=message.failed&status=pending')).body.items.length > 0 || undefined,
      {
        what: 'the failed event to be queued for the receiver',
      },
    );
    answer = 200;
    await arrived('message.failed', 'temperror@example.org');
    const types = received.filter((r) => r.json.data.recipient === 'temperror@example.org').map((r) => r.json.type);
    assert.deepEqual(types, ['message.failed'], 'the delayed events were superseded while the receiver was down');
    const superseded = await call('GET', '/v1/webhook-deliveries?status=superseded&eventType=message.delayed');
    assert.ok(superseded.body.items.length >= 1);
  });

  test('the test call reports the receiver status; a 410 disables the endpoint', async () => {
    const [endpoint] = (await call('GET', '/v1/webhook-endpoints')).body.items as { id: string }[];
    const ok = await call('POST', `/v1/webhook-endpoints/${endpoint.id}/test`);
    assert.equal(ok.body.status, 200);
    answer = 410;
    await send('erin@example.org');
    const disabled = await eventually(
      async () => {
        const got = await call('GET', `/v1/webhook-endpoints/${endpoint.id}`);
        return got.body.enabled === false ? got.body : undefined;
      },
      { timeoutMs: 20_000, what: 'the endpoint to be disabled' },
    );
    assert.match(disabled.disabledReason, /410/);
    answer = 200;
  });

  test('failed deliveries can be replayed once the endpoint is back; pending ones can be canceled', async () => {
    const [endpoint] = (await call('GET', '/v1/webhook-endpoints')).body.items as { id: string }[];
    await call('PATCH', `/v1/webhook-endpoints/${endpoint.id}`, { enabled: true });
    const before = received.filter((r) => r.json.data.recipient === 'erin@example.org').length;
    const replayed = await call('POST', '/v1/webhook-deliveries/replay', { endpoint: endpoint.id, status: 'failed' });
    assert.equal(replayed.status, 200, replayed.text);
    assert.ok(replayed.body.affected >= 1);
    await eventually(
      async () => Promise.resolve(received.filter((r) => r.json.data.recipient === 'erin@example.org').length > before || undefined),
      {
        what: 'the replayed webhook',
      },
    );
    answer = 503;
    await send('frank@example.org');
    const pending = await eventually(
      // The newest pending delivered-event is frank's (replayed ones may still be in flight).
      async () =>
        (
          (await call('GET', '/v1/webhook-deliveries?status=pending&eventType=message.delivered&limit=200')).body.items as { id: string }[]
        ).at(-1),
      { timeoutMs: 20_000, what: 'a pending delivery' },
    );
    const canceled = await call('POST', '/v1/webhook-deliveries/cancel', { ids: [pending.id] });
    assert.deepEqual(canceled.body, { affected: 1 });
    assert.equal((await call('GET', `/v1/webhook-deliveries/${pending.id}`)).body.status, 'canceled');
    answer = 200;
  });
});

describe('webhooks: receivers on private addresses', () => {
  let env: TestEnv;
  let api: RunningApi;

  before(async () => {
    env = createTestEnv({ POSTERN_WEBHOOKS_ALLOW_PRIVATE: 'false' });
    api = await startApi(env.context);
  });

  after(async () => {
    await api?.close();
    await env?.cleanup();
  });

  test('are refused when the operator does not allow them (SSRF)', async () => {
    for (const url of [
      'http://127.0.0.1:8080/x',
      'http://localhost/x',
      'http://[::1]/x',
      'http://10.1.2.3/x',
      'http://169.254.169.254/latest/meta-data',
    ]) {
      const got = await http(api.url, 'POST', '/v1/webhook-endpoints', { key: api.local!.apiKey, json: { url } });
      assert.equal(got.status, 422, `${url}: ${got.text}`);
      assert.equal(got.body.code, 'invalid_webhook_url');
    }
    const ftp = await http(api.url, 'POST', '/v1/webhook-endpoints', { key: api.local!.apiKey, json: { url: 'ftp://example.com/x' } });
    assert.equal(ftp.status, 400);
  });
});
