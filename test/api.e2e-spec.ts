import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createPublicKey } from 'node:crypto';
import { DataSource } from 'typeorm';
import { AccountCredential, DkimKey } from '@postern/db';
import { TestEnv, createTestEnv, http } from '@postern/testing';
import { RunningApi, startApi } from '../apps/api/src/start';

describe('HTTP API end to end', () => {
  let env: TestEnv;
  let api: RunningApi;
  let admin: string;
  const call = (method: string, path: string, options: Parameters<typeof http>[3] = {}) => http(api.url, method, path, options);

  before(async () => {
    env = createTestEnv();
    api = await startApi(env.context);
    assert.ok(api.local, 'local mode prepared an admin key');
    admin = api.local.adminApiKey;
  });

  after(async () => {
    await api?.close();
    await env?.cleanup();
  });

  async function createAccountWithKey(name: string): Promise<{ id: string; key: string; keyId: string }> {
    const account = await call('POST', '/v1/admin/accounts', { key: admin, json: { name } });
    assert.equal(account.status, 201, account.text);
    const key = await call('POST', '/v1/admin/api-keys', { key: admin, json: { name: `${name} key`, scope: 'account', account: name } });
    assert.equal(key.status, 201, key.text);
    return { id: account.body.id, key: key.body.key, keyId: key.body.id };
  }

  test('healthz answers and readyz reports PostgreSQL and Redis up', async () => {
    assert.deepEqual((await call('GET', '/healthz')).body, { status: 'ok' });
    const ready = await call('GET', '/readyz');
    assert.equal(ready.status, 200);
    assert.deepEqual(ready.body, { status: 'ready', postgres: { status: 'ok' }, redis: { status: 'ok' } });
  });

  test('the served OpenAPI document is the committed one, and /docs serves Swagger UI', async () => {
    const served = await call('GET', '/docs/openapi.json');
    const committed = JSON.parse(readFileSync(join(__dirname, '../../openapi/openapi.json'), 'utf8')) as unknown;
    assert.deepEqual(served.body, committed, 'openapi/openapi.json is stale: run `npm run openapi`');
    const ui = await call('GET', '/docs');
    assert.equal(ui.status, 200);
    assert.match(ui.text, /swagger-ui/i);
  });

  test('a new domain publishes DNS records whose DKIM keys match the stored private keys', async () => {
    const created = await call('POST', '/v1/admin/domains', { key: admin, json: { name: 'Example.ORG' } });
    assert.equal(created.status, 201, created.text);
    assert.equal(created.body.name, 'example.org');
    assert.deepEqual(created.body.dkimKeys.map((k: { algorithm: string }) => k.algorithm).sort(), ['ed25519-sha256', 'rsa-sha256']);

    const dns = await call('GET', '/v1/admin/domains/example.org/dns-records', { key: admin });
    assert.equal(dns.status, 200, dns.text);
    const purposes = new Set(dns.body.records.map((r: { purpose: string }) => r.purpose));
    for (const p of ['mx', 'spf', 'dkim', 'dmarc', 'mta-sts', 'tlsrpt']) assert.ok(purposes.has(p), `has a ${p} record`);
    assert.match(dns.body.zone, /^example\.org\. 3600 IN MX 10 localhost\.$/m);

    const db = api.app.get(DataSource);
    const keys = await db.getRepository(DkimKey).find({ where: { domain: { name: 'example.org' } } });
    assert.equal(keys.length, 2);
    for (const key of keys) {
      const line = dns.body.zone.split('\n').find((l: string) => l.startsWith(`${key.selector}._domainkey.example.org. `));
      assert.ok(line, `zone has a record for selector ${key.selector}`);
      const p = /p=([A-Za-z0-9+/=" ]+)"$/.exec(line)![1].replace(/[" ]/g, '');
      const spki = createPublicKey(key.privateKey).export({ type: 'spki', format: 'der' });
      const expected = key.algorithm === 'ed25519-sha256' ? spki.subarray(spki.length - 32) : spki;
      assert.equal(p, expected.toString('base64'), `published key of ${key.selector} matches the private key`);
    }
  });

  test('an account key created by the admin works on /v1, and stops working once revoked', async () => {
    const alice = await createAccountWithKey('alice');
    const me = await call('GET', '/v1/account', { key: alice.key });
    assert.equal(me.status, 200, me.text);
    assert.equal(me.body.name, 'alice');
    const listed = await call('GET', `/v1/admin/api-keys?account=alice`, { key: admin });
    const mine = listed.body.items.find((k: { id: string }) => k.id === alice.keyId);
    assert.ok(mine.lastUsedAt, 'the last-used time is recorded');
    assert.ok(!JSON.stringify(listed.body).includes(alice.key), 'the key itself is never shown again');
    assert.equal(mine.prefix, alice.key.slice(0, 16));

    const revoked = await call('DELETE', `/v1/admin/api-keys/${alice.keyId}`, { key: admin });
    assert.equal(revoked.status, 200);
    assert.ok(revoked.body.revokedAt);
    const after = await call('GET', '/v1/account', { key: alice.key });
    assert.equal(after.status, 401);
    assert.equal(after.body.code, 'unauthenticated');
    assert.equal(after.headers.get('www-authenticate'), 'Bearer');
  });

  test("another account's key id answers 404, never its data", async () => {
    const bob = await createAccountWithKey('bob');
    const carol = await createAccountWithKey('carol');
    const theirs = await call('GET', `/v1/api-keys/${carol.keyId}`, { key: bob.key });
    assert.equal(theirs.status, 404);
    assert.equal(theirs.body.code, 'not_found');
    assert.ok(!theirs.text.includes(carol.id), 'no trace of the other account');
    assert.equal((await call('DELETE', `/v1/api-keys/${carol.keyId}`, { key: bob.key })).status, 404);
    assert.equal((await call('GET', '/v1/account', { key: carol.key })).status, 200, 'the other key still works');
    const own = await call('GET', `/v1/api-keys/${bob.keyId}`, { key: bob.key });
    assert.equal(own.status, 200);
    assert.equal(own.body.id, bob.keyId);
  });

  test('an account key is refused on admin endpoints, and no key at all is 401', async () => {
    const dave = await createAccountWithKey('dave');
    const forbidden = await call('GET', '/v1/admin/accounts', { key: dave.key });
    assert.equal(forbidden.status, 403);
    assert.equal(forbidden.body.code, 'forbidden');
    const none = await call('GET', '/v1/admin/accounts');
    assert.equal(none.status, 401);
    assert.equal((await call('GET', '/v1/account', { key: 'pst_notarealkey0_000000000000000000000000000000000' })).status, 401);
  });

  test('malformed JSON answers 400 problem details', async () => {
    const res = await call('POST', '/v1/admin/domains', { key: admin, raw: '{"name": "broken' });
    assert.equal(res.status, 400);
    assert.match(res.headers.get('content-type') ?? '', /^application\/problem\+json/);
    assert.equal(res.body.code, 'malformed_json');
    assert.equal(res.body.type, 'urn:postern:problem:malformed_json');
    assert.equal(res.body.status, 400);
    assert.ok(res.body.title && res.body.detail);
  });

  test('an unknown field answers 400 naming it, and each bad field is listed', async () => {
    const res = await call('POST', '/v1/admin/accounts', { key: admin, json: { name: 'erin', colour: 'blue', quotaBytes: -1 } });
    assert.equal(res.status, 400);
    assert.equal(res.body.code, 'validation_failed');
    const fields = res.body.errors.map((e: { field: string }) => e.field).sort();
    assert.deepEqual(fields, ['colour', 'quotaBytes']);
    assert.match(res.body.detail, /colour/);
  });

  test('lists page with limit and after until next is null', async () => {
    for (const n of ['page1', 'page2', 'page3']) await call('POST', '/v1/admin/accounts', { key: admin, json: { name: n } });
    const names: string[] = [];
    let after: string | null = null;
    let pages = 0;
    do {
      const res: Awaited<ReturnType<typeof call>> = await call('GET', `/v1/admin/accounts?limit=2${after ? `&after=${after}` : ''}`, {
        key: admin,
      });
      assert.equal(res.status, 200, res.text);
      assert.ok(res.body.items.length <= 2);
      names.push(...res.body.items.map((a: { name: string }) => a.name));
      after = res.body.next;
      pages++;
    } while (after);
    assert.ok(pages >= 2);
    assert.equal(new Set(names).size, names.length, 'no account twice');
    for (const n of ['page1', 'page2', 'page3', 'postern']) assert.ok(names.includes(n), `${n} listed`);
    assert.equal((await call('GET', '/v1/admin/accounts?limit=0', { key: admin })).status, 400);
  });

  test('a password is stored only as derived secrets', async () => {
    await call('POST', '/v1/admin/accounts', { key: admin, json: { name: 'frank' } });
    const set = await call('PUT', '/v1/admin/accounts/frank/password', { key: admin, json: { password: 'ﬁsh and chips 42' } });
    assert.equal(set.status, 204, set.text);
    const db = api.app.get(DataSource);
    const [row] = await db.query<Record<string, unknown>[]>(
      'SELECT c.* FROM account_credentials c JOIN accounts a ON a.id = c.account_id WHERE a.name = $1',
      ['frank'],
    );
    assert.ok(row);
    assert.ok(!JSON.stringify(row).includes('chips'), 'no plaintext password in the row');
    assert.match(String(row.password_hash), /^\$scrypt\$/);
    const credential = await db.getRepository(AccountCredential).findOneByOrFail({ accountId: String(row.account_id) });
    assert.ok(credential.scramSha256.storedKey && credential.scramSha1.serverKey && credential.cramMd5.ipad);
    const bad = await call('PUT', '/v1/admin/accounts/frank/password', { key: admin, json: { password: 'abc\u0007defgh' } });
    assert.equal(bad.status, 422);
    assert.equal(bad.body.code, 'invalid_password');
  });

  test('addresses and aliases: catch-all, shared namespace, members must exist', async () => {
    await call('POST', '/v1/admin/domains', { key: admin, json: { name: 'aliases.test' } });
    await call('POST', '/v1/admin/accounts', { key: admin, json: { name: 'gina' } });
    const add = (address: string) => call('POST', '/v1/admin/addresses', { key: admin, json: { address, account: 'gina' } });
    assert.equal((await add('Gina@aliases.test')).status, 201);
    assert.equal((await add('@aliases.test')).body.catchAll, true);
    const duplicate = await add('gina@ALIASES.test');
    assert.equal(duplicate.status, 409);
    assert.equal(duplicate.body.code, 'address_exists');
    assert.equal((await add('x@unknown.test')).body.code, 'unknown_domain');
    const noAccount = await call('POST', '/v1/admin/addresses', { key: admin, json: { address: 'y@aliases.test', account: 'nobody' } });
    assert.equal(noAccount.status, 422);
    assert.equal(noAccount.body.code, 'unknown_account');

    const alias = await call('POST', '/v1/admin/aliases', {
      key: admin,
      json: { address: 'team@aliases.test', members: ['gina@aliases.test'], postPublic: true },
    });
    assert.equal(alias.status, 201, alias.text);
    assert.deepEqual(alias.body.members, ['Gina@aliases.test']);
    assert.equal((await add('team@aliases.test')).status, 409, 'alias and address share a namespace');
    const badMember = await call('PATCH', '/v1/admin/aliases/team@aliases.test', {
      key: admin,
      json: { members: ['nobody@aliases.test'] },
    });
    assert.equal(badMember.status, 400);
    assert.equal(badMember.body.errors[0].field, 'members[0]');
    assert.equal((await call('DELETE', '/v1/admin/domains/aliases.test', { key: admin })).body.code, 'domain_in_use');
  });

  test('metrics expose default Node metrics and request durations by route and status', async () => {
    await call('GET', '/healthz');
    const metrics = await call('GET', '/metrics');
    assert.equal(metrics.status, 200);
    assert.match(metrics.text, /^postern_process_cpu_user_seconds_total /m);
    assert.match(metrics.text, /postern_http_request_duration_seconds_count\{method="GET",route="\/healthz",status="200"\} \d+/);
  });
});
