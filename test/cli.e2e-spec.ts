import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { writeFileSync } from 'node:fs';
import { AccountsService, tlsKeyFingerprint } from '@postern/accounts';
import { TestEnv, childEnv, createTestEnv, http, runNode, selfSignedCertificate } from '@postern/testing';
import { RunningApi, startApi } from '../apps/api/src/start';

const CLI = join(__dirname, '../apps/cli/src/main.js');

describe('CLI end to end', () => {
  let env: TestEnv;
  let api: RunningApi;
  let admin: string;

  /** Runs `npm run cli -- ...args` against this test's database. */
  const cli = (...args: string[]) => runNode(CLI, args, childEnv(env.env));
  /** Runs a command that must succeed, returning its stdout. */
  const ok = async (...args: string[]) => {
    const result = await cli(...args);
    assert.equal(result.code, 0, `cli ${args.join(' ')}:\n${result.stdout}${result.stderr}`);
    assert.equal(result.stderr, '', `cli ${args.join(' ')} is quiet on stderr`);
    return result.stdout;
  };
  const call = (method: string, path: string, key: string) => http(api.url, method, path, { key });
  const passwordWorks = async (account: string, password: string) => {
    const accounts = api.app.get(AccountsService);
    return accounts.checkPassword((await accounts.get(account)).id, password);
  };

  before(async () => {
    env = createTestEnv();
    api = await startApi(env.context, { prepare: true });
    assert.ok(api.local, 'local mode prepared an admin key');
    admin = api.local.adminApiKey;
  });

  after(async () => {
    await api?.close();
    await env?.cleanup();
  });

  test('quickstart prints a password, keys that work on the API and the DNS records of the domain', async () => {
    const out = await ok('quickstart', 'alice@example.net');
    assert.match(out, /^Account alice with address alice@example\.net$/m);
    const field = (label: string) => {
      const match = new RegExp(`^ {2}${label} +(\\S+)$`, 'm').exec(out);
      assert.ok(match, `prints the ${label}:\n${out}`);
      return match[1];
    };
    const password = field('password');
    const key = field('API key');
    const adminKey = field('admin API key');

    const me = await call('GET', '/v1/account', key);
    assert.equal(me.status, 200, me.text);
    assert.equal(me.body.name, 'alice');
    const addresses = await call('GET', '/v1/account/addresses', key);
    assert.equal(addresses.status, 200, addresses.text);
    assert.ok(JSON.stringify(addresses.body).includes('alice@example.net'), addresses.text);
    const account = await call('GET', '/v1/admin/accounts/alice', adminKey);
    assert.equal(account.status, 200, account.text);
    assert.equal(account.body.id, me.body.id);
    assert.ok(await passwordWorks('alice', password), 'the printed password is the account password');

    assert.match(out, /^example\.net\. 3600 IN MX 10 localhost\.$/m);
    assert.match(out, /^[a-z0-9-]+\._domainkey\.example\.net\. 3600 IN TXT "v=DKIM1; k=rsa; /m);
    assert.match(out, /^[a-z0-9-]+\._domainkey\.example\.net\. 3600 IN TXT "v=DKIM1; k=ed25519; /m);
    const dns = await call('GET', '/v1/admin/domains/example.net/dns-records', admin);
    assert.equal(dns.status, 200, dns.text);
    assert.ok(out.endsWith(`\n\n${dns.body.zone}`), 'prints the same zone as the API serves');
  });

  describe('accounts, API keys and domains', () => {
    let bob: string;
    let keyId: string;
    let key: string;

    test('account add creates an account with the given password', async () => {
      const out = await ok('account', 'add', 'bob', '--password', 'correct-horse-42');
      const match = /^created account bob \(([0-9a-f-]{36})\); password: correct-horse-42\n$/.exec(out);
      assert.ok(match, out);
      bob = match[1];
      assert.ok(await passwordWorks('bob', 'correct-horse-42'));
    });

    test('account list lists every account with its id', async () => {
      const lines = (await ok('account', 'list')).trimEnd().split('\n');
      assert.ok(lines.includes(`${bob}  bob`), lines.join('\n'));
      assert.deepEqual(lines.map((l) => l.split('  ')[1]).sort(), ['alice', 'bob', 'postern']);
    });

    test('account password sets a new generated password that replaces the old one', async () => {
      const out = await ok('account', 'password', 'bob');
      const match = /^password of bob set: (\S+)\n$/.exec(out);
      assert.ok(match, out);
      assert.ok(await passwordWorks('bob', match[1]), 'the printed password works');
      assert.equal(await passwordWorks('bob', 'correct-horse-42'), false, 'the old one no longer does');
    });

    test('account tls-key registers the public key of a client certificate for EXTERNAL', async () => {
      const cert = await selfSignedCertificate(['bob-laptop']);
      const file = join(env.config.dataDir, 'bob-laptop.pem');
      writeFileSync(file, cert.cert);
      const out = await ok('account', 'tls-key', 'bob', file, '--name', 'laptop');
      const fingerprint = tlsKeyFingerprint(cert.cert);
      assert.equal(out, `registered TLS key ${fingerprint} for bob: SMTP AUTH EXTERNAL with this certificate logs in as bob\n`);
      assert.equal((await api.app.get(AccountsService).findByTlsKey(fingerprint))?.name, 'bob');
    });

    test('apikey create --account prints a key that works for that account', async () => {
      const out = await ok('apikey', 'create', 'laptop', '--account', 'bob');
      const match = /^created account key ([0-9a-f-]{36}): (pst_\S+)\nThe key is shown once\.\n$/.exec(out);
      assert.ok(match, out);
      [, keyId, key] = match;
      const me = await call('GET', '/v1/account', key);
      assert.equal(me.status, 200, me.text);
      assert.equal(me.body.id, bob);
    });

    test('apikey revoke makes the key answer 401', async () => {
      const out = await ok('apikey', 'revoke', keyId);
      // Keys are `pst_<12 chars>_<32 chars>`, both parts base64url (which may contain `_`).
      const prefix = /^(pst_[A-Za-z0-9_-]{12})_[A-Za-z0-9_-]{32}$/.exec(key)![1];
      assert.equal(out, `revoked key ${keyId} (${prefix})\n`);
      const me = await call('GET', '/v1/account', key);
      assert.equal(me.status, 401);
      assert.equal(me.body.code, 'unauthenticated');
    });

    test('domain add creates a domain with its DKIM selectors', async () => {
      const out = await ok('domain', 'add', 'Example.ORG');
      assert.match(out, /^created domain example\.org with DKIM selectors [a-z0-9-]+, [a-z0-9-]+\n/);
      assert.match(out, /^DNS records: npm run cli -- domain dns-records example\.org$/m);
      const domain = await call('GET', '/v1/admin/domains/example.org', admin);
      assert.equal(domain.status, 200, domain.text);
    });

    test('domain list lists every domain', async () => {
      assert.deepEqual((await ok('domain', 'list')).trimEnd().split('\n').sort(), ['example.net', 'example.org', 'localhost']);
    });

    test('domain dns-records prints the zone the API serves, MX and DKIM included', async () => {
      const out = await ok('domain', 'dns-records', 'example.org');
      assert.match(out, /^example\.org\. 3600 IN MX 10 localhost\.$/m);
      assert.match(out, /^[a-z0-9-]+\._domainkey\.example\.org\. 3600 IN TXT "v=DKIM1; /m);
      const dns = await call('GET', '/v1/admin/domains/example.org/dns-records', admin);
      assert.equal(out, dns.body.zone);
    });

    test('a usage error exits 2 with the reason and the usage text', async () => {
      const result = await cli('apikey', 'create', 'x', '--admin', '--account', 'bob');
      assert.equal(result.code, 2);
      assert.equal(result.stdout, '');
      assert.match(result.stderr, /^postern: give exactly one of --admin or --account <account>\n\nusage: npm run cli -- <command>\n/);
      assert.match(result.stderr, /^ {2}apikey create <name> --admin \| --account <account>$/m);
    });

    test('an unknown command exits 2 with the usage text', async () => {
      const result = await cli('frobnicate', 'now');
      assert.equal(result.code, 2);
      assert.match(result.stderr, /^postern: unknown command 'frobnicate now'\n\nusage: /);
    });

    test('bounce parse prints what the parser makes of a message as JSON, without a database', async () => {
      const fixture = join(__dirname, '../../test/fixtures/bounces/lhost-qmail-01.eml');
      const result = await runNode(CLI, ['bounce', 'parse', fixture], childEnv({ DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none' }));
      assert.equal(result.code, 0, result.stderr);
      const parsed = JSON.parse(result.stdout) as { kind: string; recipients: { address: string; smtpCode: number; hard: boolean }[] };
      assert.equal(parsed.kind, 'dsn');
      assert.deepEqual(
        parsed.recipients.map((r) => [r.address, r.smtpCode, r.hard]),
        [['kijitora@example.ne.jp', 550, true]],
      );
      const missing = await cli('bounce', 'parse', '/nonexistent.eml');
      assert.equal(missing.code, 2);
      assert.match(missing.stderr, /^postern: cannot read \/nonexistent\.eml/);
    });

    test('a domain error exits 1 with one clear line and the error code', async () => {
      const result = await cli('domain', 'add', 'example.org');
      assert.equal(result.code, 1);
      assert.equal(result.stdout, '');
      assert.equal(result.stderr, "postern: domain 'example.org' already exists (domain_exists)\n");
    });
  });
});
