import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CONFIG_VARIABLES, ConfigError, loadConfig } from './config';

function errorOf(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env, '/srv');
  } catch (err) {
    assert.ok(err instanceof ConfigError);
    return err;
  }
  assert.fail('expected a ConfigError');
}

describe('loadConfig', () => {
  test('with no configuration runs in local mode on the local services and shifted ports', () => {
    const config = loadConfig({}, '/srv');
    assert.equal(config.localMode, true);
    assert.equal(config.databaseUrl, 'postgres://postgres@127.0.0.1:5432/postern');
    assert.equal(config.redisUrl, 'redis://127.0.0.1:6379');
    assert.equal(config.hostname, 'localhost');
    assert.deepEqual(
      [config.ports.http, config.ports.smtp, config.ports.submission, config.ports.submissions, config.ports.imap, config.ports.imaps],
      [1080, 1025, 1587, 1465, 1143, 1993],
    );
    assert.equal(config.dataDir, '/srv/data');
    assert.equal(config.httpUrl, 'http://127.0.0.1:1080');
  });

  test('production mode uses the standard ports and requires the hostname and service URLs', () => {
    assert.equal(errorOf({ POSTERN_MODE: 'production' }).variable, 'POSTERN_HOSTNAME');
    assert.equal(errorOf({ POSTERN_MODE: 'production', POSTERN_HOSTNAME: 'mail.example.org' }).variable, 'DATABASE_URL');
    const config = loadConfig(
      {
        POSTERN_MODE: 'production',
        POSTERN_HOSTNAME: 'Mail.Example.org',
        DATABASE_URL: 'postgres://db/postern',
        REDIS_URL: 'redis://r:6379',
      },
      '/srv',
    );
    assert.equal(config.hostname, 'mail.example.org');
    assert.deepEqual([config.ports.smtp, config.ports.submission, config.ports.imaps, config.ports.http], [25, 587, 993, 8080]);
  });

  test('each bad value is named with the variable and the value', () => {
    const cases: [Record<string, string>, string, RegExp][] = [
      [{ POSTERN_HTTP_PORT: 'abc' }, 'POSTERN_HTTP_PORT', /port number.*'abc'/],
      [{ POSTERN_SMTP_PORT: '70000' }, 'POSTERN_SMTP_PORT', /'70000'/],
      [{ DATABASE_URL: 'mysql://x/y' }, 'DATABASE_URL', /postgres/],
      [{ REDIS_URL: 'not a url' }, 'REDIS_URL', /not a valid URL/],
      [{ POSTERN_MODE: 'prod' }, 'POSTERN_MODE', /'prod'/],
      [{ POSTERN_HOSTNAME: 'bad_host!' }, 'POSTERN_HOSTNAME', /not a valid host name/],
      [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL', /'loud'/],
      [{ POSTERN_TLS_CERT: '/nonexistent/cert.pem' }, 'POSTERN_TLS_KEY', /must be set/],
      [{ POSTERN_TLS_CERT: '/nonexistent/cert.pem', POSTERN_TLS_KEY: '/nonexistent/key.pem' }, 'POSTERN_TLS_CERT', /not found/],
      [{ POSTERN_REDIS_PREFIX: 'a b' }, 'POSTERN_REDIS_PREFIX', /'a b'/],
    ];
    for (const [env, variable, message] of cases) {
      const error = errorOf(env);
      assert.equal(error.variable, variable, JSON.stringify(env));
      assert.match(error.message, new RegExp(`^${variable}: `));
      assert.match(error.message, message);
      assert.ok(!error.message.includes('\n'), 'one line');
    }
  });

  test('SMTP limits: production defaults, off in local mode, and a bad value names its variable', () => {
    const production = {
      POSTERN_MODE: 'production',
      POSTERN_HOSTNAME: 'mx.example.org',
      DATABASE_URL: 'postgres://db/p',
      REDIS_URL: 'redis://r',
    };
    const smtp = loadConfig(production, '/srv').smtp;
    assert.equal(smtp.messagesPerMinute, 1000);
    assert.equal(smtp.concurrentConnections, 50);
    assert.equal(smtp.rcptMax, 100);
    assert.equal(loadConfig({}, '/srv').smtp.messagesPerMinute, Number.MAX_SAFE_INTEGER);
    assert.equal(loadConfig({ POSTERN_SMTP_MESSAGES_PER_MINUTE: '5' }, '/srv').smtp.messagesPerMinute, 5);
    assert.equal(errorOf({ POSTERN_SMTP_RCPT_MAX: '0' }).variable, 'POSTERN_SMTP_RCPT_MAX');
  });

  test('POSTERN_TLS_CERT/KEY may list several pairs (SNI), and the counts must match', () => {
    const dir = mkdtempSync(join(tmpdir(), 'postern-config-'));
    try {
      for (const f of ['a.crt', 'a.key', 'b.crt', 'b.key']) writeFileSync(join(dir, f), '');
      const p = (f: string) => join(dir, f);
      const tls = loadConfig(
        { POSTERN_TLS_CERT: `${p('a.crt')}, ${p('b.crt')}`, POSTERN_TLS_KEY: `${p('a.key')},${p('b.key')}` },
        '/srv',
      ).tls;
      assert.deepEqual(tls, { certPath: p('a.crt'), keyPath: p('a.key'), additional: [{ certPath: p('b.crt'), keyPath: p('b.key') }] });
      assert.equal(errorOf({ POSTERN_TLS_CERT: `${p('a.crt')},${p('b.crt')}`, POSTERN_TLS_KEY: p('a.key') }).variable, 'POSTERN_TLS_KEY');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('.env.example and the README document every variable', () => {
    // Tests run from dist/; the sources are at the repository root.
    const root = join(__dirname, '../../../..');
    const example = readFileSync(join(root, '.env.example'), 'utf8');
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    for (const name of Object.keys(CONFIG_VARIABLES)) {
      assert.match(example, new RegExp(`^# ${name}=`, 'm'), `.env.example shows ${name}`);
      assert.ok(readme.includes(`\`${name}\``), `README lists ${name}`);
    }
  });

  test('delivery settings parse durations and reject bad values', () => {
    const config = loadConfig({ POSTERN_RETRY_SCHEDULE: '7.5m, 1h,90s', POSTERN_DNS_SERVERS: '127.0.0.1:5353, ::1' }, '/srv');
    assert.deepEqual(config.delivery.retrySchedule, [450, 3600, 90]);
    assert.deepEqual(config.delivery.dnsServers, ['127.0.0.1:5353', '::1']);
    assert.equal(config.delivery.maxMessageBytes, 50 * 1024 * 1024);
    assert.match(errorOf({ POSTERN_RETRY_SCHEDULE: '5 minutes' }).message, /^POSTERN_RETRY_SCHEDULE: must be comma-separated durations/);
    assert.match(errorOf({ POSTERN_DELIVERY_CONCURRENCY: '0' }).message, /^POSTERN_DELIVERY_CONCURRENCY: must be an integer 1-1000/);
  });
});
