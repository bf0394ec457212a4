import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { TestEnv, createTestEnv, eventually, http } from '@postern/testing';
import { RunningApi, startApi } from '../apps/api/src/start';
import { RunningWorker, startWorker } from '../apps/worker/src/start';

describe('suppression lists and the event log', () => {
  let env: TestEnv;
  let api: RunningApi;
  let worker: RunningWorker;
  let key: string;
  let from: string;
  const call = (method: string, path: string, json?: unknown) => http(api.url, method, path, { key, json });
  const send = (to: string[], tags?: string[]) =>
    call('POST', '/v1/messages', { from: { address: from }, to: to.map((address) => ({ address })), text: 'x', tags });
  const statusOf = async (id: string) =>
    ((await call('GET', `/v1/messages/${id}`)).body.recipients as { status: string }[]).map((r) => r.status);

  before(async () => {
    env = createTestEnv({ POSTERN_OUTBOUND: 'local' });
    api = await startApi(env.context);
    worker = await startWorker(env.context, { prepare: false });
    key = api.local!.apiKey;
    from = api.local!.address;
  });

  after(async () => {
    await worker?.close();
    await api?.close();
    await env?.cleanup();
  });

  test('a hard bounce lands on the list with its reply; the address and its +tag variants are then suppressed', async () => {
    const sent = await send(['permerror@example.com'], ['newsletter']);
    await eventually(async () => (await statusOf(sent.body.id))[0] === 'failed', { what: 'the bounce' });
    const list = await call('GET', '/v1/suppressions?reason=hard_bounce');
    assert.deepEqual(
      list.body.items.map((s: { addressKey: string; reason: string }) => [s.addressKey, s.reason]),
      [['permerror@example.com', 'hard_bounce']],
    );
    assert.match(list.body.items[0].smtpReply, /^550 5\.1\.1/);
    const one = await call('GET', `/v1/suppressions/${encodeURIComponent('PermError+x@Example.com')}`);
    assert.equal(one.status, 200, one.text);

    const failed = await call('GET', `/v1/events?type=message.failed&tag=newsletter`);
    assert.deepEqual(
      failed.body.items.map((e: { data: { messageId: string } }) => e.data.messageId),
      [sent.body.id],
    );
    assert.equal(failed.body.items[0].data.suppressed, true);
    const perMessage = await call('GET', `/v1/messages/${sent.body.id}/events`);
    assert.deepEqual(
      perMessage.body.items.map((e: { type: string }) => e.type),
      ['message.failed'],
    );
  });

  test('manual entries for an address or a whole domain; duplicates conflict; bad input is refused', async () => {
    const added = await call('POST', '/v1/suppressions', { address: '*@blocked.example' });
    assert.equal(added.status, 201, added.text);
    assert.equal(added.body.reason, 'manual');
    assert.equal((await call('POST', '/v1/suppressions', { address: '*@Blocked.example' })).status, 409);
    assert.equal((await call('POST', '/v1/suppressions', { address: 'not an address' })).status, 422);
    const sent = await send(['anyone@blocked.example', 'someone@open.example']);
    assert.deepEqual(
      sent.body.recipients.map((r: { status: string }) => r.status),
      ['suppressed', 'queued'],
    );
    const suppressed = await call('GET', `/v1/events?type=message.suppressed&recipient=anyone@blocked.example`);
    assert.equal(suppressed.body.items.length, 1);

    assert.equal((await call('DELETE', '/v1/suppressions/*@blocked.example')).status, 204);
    assert.equal((await call('GET', '/v1/suppressions/*@blocked.example')).status, 404);
    assert.equal((await send(['anyone@blocked.example'])).body.recipients[0].status, 'queued');
  });

  test("removing an entry can release that address's held recipients", async () => {
    const admin = { key: api.local!.adminApiKey };
    const rule = await http(api.url, 'POST', '/v1/admin/hold-rules', { ...admin, json: { recipientDomain: 'held.example' } });
    const sent = await send(['carol@held.example']);
    assert.deepEqual(await statusOf(sent.body.id), ['held']);
    await http(api.url, 'DELETE', `/v1/admin/hold-rules/${rule.body.id}`, admin);
    await call('POST', '/v1/suppressions', { address: 'carol@held.example' });
    assert.equal((await call('DELETE', '/v1/suppressions/carol@held.example?releaseHeld=true')).status, 204);
    await eventually(async () => (await statusOf(sent.body.id))[0] === 'delivered', { what: 'the released recipient' });
  });

  test("another account sees neither this account's events nor its suppressions", async () => {
    const admin = { key: api.local!.adminApiKey };
    await http(api.url, 'POST', '/v1/admin/accounts', { ...admin, json: { name: 'other' } });
    const other = (await http(api.url, 'POST', '/v1/admin/api-keys', { ...admin, json: { name: 'o', scope: 'account', account: 'other' } }))
      .body.key as string;
    assert.deepEqual((await http(api.url, 'GET', '/v1/events', { key: other })).body.items, []);
    assert.deepEqual((await http(api.url, 'GET', '/v1/suppressions', { key: other })).body.items, []);
    const mine = (await call('GET', '/v1/events?limit=1')).body.items[0].data.messageId as string;
    assert.equal((await http(api.url, 'GET', `/v1/messages/${mine}/events`, { key: other })).status, 404);
  });
});
