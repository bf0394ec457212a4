import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { AddressesService } from '@postern/domains';
import { MailStore } from '@postern/mailstore';
import { TestEnv, createTestEnv, http } from '@postern/testing';
import { RunningApi, startApi } from '../apps/api/src/start';

const MESSAGE = (subject: string) =>
  [
    'Return-Path: <zoe@example.org>',
    'Authentication-Results: localhost; spf=pass smtp.mailfrom=zoe@example.org',
    'X-Postern-Reason: accepted; mailbox=INBOX (default)',
    'From: "Zoë" <zoe@example.org>',
    'To: postern@localhost',
    `Subject: ${subject}`,
    `Message-ID: <${subject}@example.org>`,
    'MIME-Version: 1.0',
    'Content-Type: multipart/mixed; boundary="b1"',
    '',
    '--b1',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: quoted-printable',
    '',
    'Gr=C3=BC=C3=9Fe',
    '--b1',
    'Content-Type: application/pdf',
    'Content-Disposition: attachment; filename="Rechnung März.pdf"',
    'Content-Transfer-Encoding: base64',
    '',
    Buffer.from('%PDF-1.4 not really').toString('base64'),
    '--b1--',
    '',
  ].join('\r\n');

describe('the received-mail API', () => {
  let env: TestEnv;
  let api: RunningApi;
  let store: MailStore;
  let key: string;
  let otherKey: string;
  let accountId: string;
  const call = (method: string, path: string, json?: unknown, as = key) => http(api.url, method, path, { key: as, json });

  async function receive(subject: string): Promise<string> {
    const inbox = await store.getMailbox(accountId, 'INBOX');
    const { messages } = await store.append(accountId, inbox!.id, [{ raw: Buffer.from(MESSAGE(subject)) }]);
    return messages[0].id;
  }

  before(async () => {
    env = createTestEnv();
    api = await startApi(env.context);
    store = api.app.get(MailStore);
    key = api.local!.apiKey;
    accountId = (await api.app.get(AddressesService).find(api.local!.address))!.accountId;
    await store.ensureDefaultMailboxes(accountId);
    const admin = api.local!.adminApiKey;
    assert.equal((await http(api.url, 'POST', '/v1/admin/accounts', { key: admin, json: { name: 'other' } })).status, 201);
    const created = await http(api.url, 'POST', '/v1/admin/api-keys', {
      key: admin,
      json: { name: 'o', scope: 'account', account: 'other' },
    });
    otherKey = created.body.key;
  });

  after(async () => {
    await api?.close();
    await env?.cleanup();
  });

  test('GET /v1/mailboxes lists INBOX and the special-use mailboxes with their counters', async () => {
    await receive('counted');
    const res = await call('GET', '/v1/mailboxes');
    assert.equal(res.status, 200);
    const names = res.body.items.map((m: { name: string }) => m.name);
    for (const name of ['INBOX', 'Sent', 'Drafts', 'Trash', 'Archive', 'Junk']) assert.ok(names.includes(name), name);
    const inbox = res.body.items.find((m: { name: string }) => m.name === 'INBOX');
    assert.ok(inbox.total >= 1);
    assert.equal(inbox.unseen, inbox.total);
  });

  test('mailbox messages page newest first with limit and after', async () => {
    const box = (await call('GET', '/v1/mailboxes')).body.items.find((m: { name: string }) => m.name === 'Archive');
    const archive = await store.getMailboxById(accountId, box.id);
    for (const s of ['p1', 'p2', 'p3']) await store.append(accountId, archive!.id, [{ raw: Buffer.from(MESSAGE(s)) }]);
    const first = await call('GET', `/v1/mailboxes/${box.id}/messages?limit=2`);
    assert.deepEqual(
      first.body.items.map((m: { subject: string }) => m.subject),
      ['p3', 'p2'],
    );
    assert.ok(first.body.next);
    const second = await call('GET', `/v1/mailboxes/${box.id}/messages?limit=2&after=${first.body.next}`);
    assert.deepEqual(
      second.body.items.map((m: { subject: string }) => m.subject),
      ['p1'],
    );
    assert.equal(second.body.next, null);
    assert.equal((await call('GET', `/v1/mailboxes/${box.id}/messages`, undefined, otherKey)).status, 404);
  });

  test('GET /v1/received/{id} is parsed; /raw is the stored bytes; /parts/{path} is one decoded part', async () => {
    const id = await receive('parsed');
    const res = await call('GET', `/v1/received/${id}`);
    assert.equal(res.status, 200);
    assert.equal(res.body.mailbox, 'INBOX');
    assert.equal(res.body.returnPath, 'zoe@example.org');
    assert.equal(res.body.authenticationResults, 'localhost; spf=pass smtp.mailfrom=zoe@example.org');
    assert.equal(res.body.reason, 'accepted; mailbox=INBOX (default)');
    assert.deepEqual(res.body.message.from, [{ name: 'Zoë', address: 'zoe@example.org' }]);
    assert.equal(res.body.message.text.trim(), 'Grüße');
    assert.deepEqual(
      res.body.message.attachments.map((a: { path: string; filename: string }) => [a.path, a.filename]),
      [['2', 'Rechnung März.pdf']],
    );
    assert.equal(res.body.message.automated, false);

    const raw = await call('GET', `/v1/received/${id}/raw`);
    assert.equal(raw.status, 200);
    assert.match(raw.headers.get('content-type') ?? '', /^message\/rfc822/);
    assert.equal(raw.text, MESSAGE('parsed'));

    const part = await call('GET', `/v1/received/${id}/parts/2`);
    assert.equal(part.status, 200);
    assert.equal(part.headers.get('content-type'), 'application/pdf');
    assert.match(
      part.headers.get('content-disposition') ?? '',
      /^attachment; filename="Rechnung M_rz\.pdf"; filename\*=UTF-8''Rechnung%20M%C3%A4rz\.pdf$/,
    );
    assert.equal(part.text, '%PDF-1.4 not really');
    const text = await call('GET', `/v1/received/${id}/parts/1`);
    assert.equal(text.headers.get('content-type'), 'text/plain; charset=utf-8');
    assert.equal(text.text, 'Grüße');
    assert.equal((await call('GET', `/v1/received/${id}/parts/9`)).status, 404);
    assert.equal((await call('GET', `/v1/received/${id}/parts/x.1`)).status, 400);
  });

  test('PATCH changes flags and moves to another mailbox; DELETE removes; another account gets 404 for all of it', async () => {
    const id = await receive('patched');
    for (const [method, path] of [
      ['GET', `/v1/received/${id}`],
      ['GET', `/v1/received/${id}/raw`],
      ['GET', `/v1/received/${id}/parts/1`],
      ['PATCH', `/v1/received/${id}`],
      ['DELETE', `/v1/received/${id}`],
    ]) {
      assert.equal(
        (await call(method, path, method === 'PATCH' ? { addFlags: ['\\Seen'] } : undefined, otherKey)).status,
        404,
        `${method} ${path}`,
      );
    }
    const flagged = await call('PATCH', `/v1/received/${id}`, { addFlags: ['\\Seen', '\\Flagged'] });
    assert.equal(flagged.status, 200);
    assert.deepEqual([...flagged.body.flags].sort(), ['\\Flagged', '\\Seen']);
    const replaced = await call('PATCH', `/v1/received/${id}`, { flags: ['$Important'], removeFlags: [] });
    assert.deepEqual(replaced.body.flags, ['$Important']);
    assert.equal((await call('PATCH', `/v1/received/${id}`, { flags: ['bad flag'] })).status, 400);

    const trash = (await call('GET', '/v1/mailboxes')).body.items.find((m: { name: string }) => m.name === 'Trash');
    const moved = await call('PATCH', `/v1/received/${id}`, { mailboxId: trash.id });
    assert.equal(moved.status, 200);
    assert.equal(moved.body.mailboxId, trash.id);
    assert.equal((await call('GET', `/v1/received/${id}`)).status, 404, 'a move gives a new id');
    assert.equal((await call('GET', `/v1/received/${moved.body.id}`)).body.mailbox, 'Trash');

    assert.equal((await call('DELETE', `/v1/received/${moved.body.id}`)).status, 204);
    assert.equal((await call('GET', `/v1/received/${moved.body.id}`)).status, 404);
    const after = (await call('GET', '/v1/mailboxes')).body.items.find((m: { name: string }) => m.name === 'Trash');
    assert.equal(after.total, 0);
  });

  test('mailbox rules: create, list, delete; another account cannot delete them', async () => {
    const created = await call('POST', '/v1/mailbox-rules', { field: 'header', header: 'List-Id', contains: 'weekly', mailbox: 'Lists' });
    assert.equal(created.status, 201);
    assert.equal((await call('POST', '/v1/mailbox-rules', { field: 'header', contains: 'x', mailbox: 'Lists' })).status, 400);
    assert.deepEqual(
      (await call('GET', '/v1/mailbox-rules')).body.map((r: { id: string }) => r.id),
      [created.body.id],
    );
    assert.equal((await call('DELETE', `/v1/mailbox-rules/${created.body.id}`, undefined, otherKey)).status, 404);
    assert.equal((await call('DELETE', `/v1/mailbox-rules/${created.body.id}`)).status, 204);
    assert.deepEqual((await call('GET', '/v1/mailbox-rules')).body, []);
  });
});
