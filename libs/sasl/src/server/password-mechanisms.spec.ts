import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { cramMd5Response } from '../md5-state';
import { derivePasswordSecrets, type PasswordSecrets } from '../password-secrets';
import { createSaslServer } from './sasl-server';
import type { SaslServerOptions, SaslStep } from './types';

const ACCOUNT_ID = '0190a000-0000-7000-8000-000000000002';
let secrets: PasswordSecrets;

before(async () => {
  secrets = await derivePasswordSecrets('tanstaaftanstaaf');
});

function options(extra: Partial<SaslServerOptions> = {}): SaslServerOptions & { lookups: string[] } {
  const lookups: string[] = [];
  return {
    lookups,
    lookup: (username) => {
      lookups.push(username);
      return Promise.resolve(username === 'tim@example.org' ? { accountId: ACCOUNT_ID, secrets } : null);
    },
    ...extra,
  };
}

function challengeText(step: SaslStep): string {
  assert.ok('challenge' in step, `expected a challenge, got ${JSON.stringify(step)}`);
  return step.challenge.toString('utf8');
}

function reason(step: SaslStep): string {
  assert.ok('failure' in step, `expected a failure, got ${JSON.stringify(step)}`);
  return step.failure.reason;
}

const TIM = { username: 'tim@example.org', accountId: ACCOUNT_ID };
const plain = (authzid: string, authcid: string, password: string) => Buffer.from(`${authzid}\0${authcid}\0${password}`);

describe('PLAIN', () => {
  it('accepts the right password as an initial response', async () => {
    const step = await createSaslServer('PLAIN', options()).start(plain('', 'tim@example.org', 'tanstaaftanstaaf'));
    assert.deepEqual(step, { success: TIM });
  });

  it('sends an empty challenge without an initial response, then accepts an authzid equal to the authcid', async () => {
    const session = createSaslServer('plain', options());
    assert.equal(challengeText(await session.start()), '');
    assert.deepEqual(await session.step(plain('tim@example.org', 'tim@example.org', 'tanstaaftanstaaf')), { success: TIM });
  });

  it('refuses an authzid naming another identity even with the right password', async () => {
    const opts = options();
    const step = await createSaslServer('PLAIN', opts).start(plain('admin@example.org', 'tim@example.org', 'tanstaaftanstaaf'));
    assert.equal(reason(step), 'invalid-credentials');
    assert.match('failure' in step ? step.failure.text : '', /Authorization identity/);
    assert.deepEqual(opts.lookups, []);
  });

  it('fails a wrong password and an unknown user the same way, after a lookup each', async () => {
    const opts = options();
    const wrong = await createSaslServer('PLAIN', opts).start(plain('', 'tim@example.org', 'tanstaaf'));
    const unknown = await createSaslServer('PLAIN', opts).start(plain('', 'nobody@example.org', 'tanstaaftanstaaf'));
    assert.deepEqual(wrong, unknown);
    assert.equal(reason(wrong), 'invalid-credentials');
    assert.deepEqual(opts.lookups, ['tim@example.org', 'nobody@example.org']);
  });

  it('spends a full scrypt verification on an unknown user, as on a wrong password', async () => {
    const time = async (name: string) => {
      const started = process.hrtime.bigint();
      await createSaslServer('PLAIN', options()).start(plain('', name, 'tanstaaf'));
      return Number(process.hrtime.bigint() - started) / 1e6;
    };
    const wrong = await time('tim@example.org');
    const unknown = await time('nobody@example.org');
    // scrypt with N = 2^15 takes tens of milliseconds; skipping it would take well under one.
    assert.ok(unknown > wrong * 0.3, `unknown ${unknown} ms, wrong password ${wrong} ms`);
  });

  it('fails malformed messages', async () => {
    const messages = [
      Buffer.alloc(0),
      Buffer.from('tim@example.org'),
      Buffer.from('\0tim@example.org'),
      plain('', '', 'tanstaaftanstaaf'),
      plain('', 'tim@example.org', ''),
      Buffer.from('\0tim@example.org\0tanstaaf\0x'),
      Buffer.from([0, 0xc3, 0x28, 0, 0x61]),
    ];
    for (const message of messages) {
      assert.equal(reason(await createSaslServer('PLAIN', options()).start(message)), 'malformed', JSON.stringify(message.toString()));
    }
  });
});

describe('LOGIN', () => {
  it('asks Username: then Password: and accepts the right password', async () => {
    const session = createSaslServer('LOGIN', options());
    assert.equal(challengeText(await session.start()), 'Username:');
    assert.equal(challengeText(await session.step(Buffer.from('tim@example.org'))), 'Password:');
    assert.deepEqual(await session.step(Buffer.from('tanstaaftanstaaf')), { success: TIM });
  });

  it('takes the username as an initial response and fails a wrong password', async () => {
    const session = createSaslServer('LOGIN', options());
    assert.equal(challengeText(await session.start(Buffer.from('tim@example.org'))), 'Password:');
    assert.equal(reason(await session.step(Buffer.from('TANSTAAFTANSTAAF'))), 'invalid-credentials');
  });

  it('asks for the password of an unknown user too, then fails', async () => {
    const session = createSaslServer('LOGIN', options());
    await session.start();
    assert.equal(challengeText(await session.step(Buffer.from('nobody@example.org'))), 'Password:');
    assert.equal(reason(await session.step(Buffer.from('tanstaaftanstaaf'))), 'invalid-credentials');
  });

  it('fails an empty username or password', async () => {
    const session = createSaslServer('LOGIN', options());
    await session.start();
    assert.equal(reason(await session.step(Buffer.alloc(0))), 'malformed');
    const second = createSaslServer('LOGIN', options());
    await second.start(Buffer.from('tim@example.org'));
    assert.equal(reason(await second.step(Buffer.alloc(0))), 'malformed');
  });
});

describe('CRAM-MD5', () => {
  it('sends <random.timestamp@hostname> and accepts the HMAC of the right password', async () => {
    const session = createSaslServer('CRAM-MD5', options({ hostname: 'mx.example.org' }));
    const challenge = challengeText(await session.start());
    assert.match(challenge, /^<\d+\.\d+@mx\.example\.org>$/);
    const digest = cramMd5Response(secrets.cramMd5, challenge);
    assert.deepEqual(await session.step(Buffer.from(`tim@example.org ${digest}`)), { success: TIM });
  });

  it('uses a fresh challenge per session', async () => {
    const a = challengeText(await createSaslServer('CRAM-MD5', options()).start());
    const b = challengeText(await createSaslServer('CRAM-MD5', options()).start());
    assert.notEqual(a, b);
  });

  it('fails a digest for another challenge, a wrong password and an unknown user', async () => {
    const other = await derivePasswordSecrets('wrong password');
    for (const [user, secret, forChallenge] of [
      ['tim@example.org', secrets.cramMd5, '<1.2@elsewhere>'],
      ['tim@example.org', other.cramMd5, undefined],
      ['nobody@example.org', secrets.cramMd5, undefined],
    ] as const) {
      const session = createSaslServer('CRAM-MD5', options({ nonce: '12345' }));
      const challenge = challengeText(await session.start());
      assert.ok(challenge.startsWith('<12345.'));
      const digest = cramMd5Response(secret, forChallenge ?? challenge);
      assert.equal(reason(await session.step(Buffer.from(`${user} ${digest}`))), 'invalid-credentials', user);
    }
  });

  it('refuses an initial response and malformed answers', async () => {
    assert.equal(reason(await createSaslServer('CRAM-MD5', options()).start(Buffer.from('tim@example.org'))), 'malformed');
    for (const answer of [
      '',
      'tim@example.org',
      ' b913a602c7eda7a495b4e6e7334d3890',
      'tim b913a602c7eda7a495b4e6e7334d389',
      'tim B913A602C7EDA7A495B4E6E7334D3890',
    ]) {
      const session = createSaslServer('CRAM-MD5', options());
      await session.start();
      assert.equal(reason(await session.step(Buffer.from(answer))), 'malformed', answer);
    }
  });
});

describe('EXTERNAL', () => {
  it('authenticates as the certificate identity with an empty authzid, or the same name', async () => {
    const opts = options({ externalIdentity: TIM });
    assert.deepEqual(await createSaslServer('EXTERNAL', opts).start(Buffer.alloc(0)), { success: TIM });
    const session = createSaslServer('EXTERNAL', opts);
    assert.equal(challengeText(await session.start()), '');
    assert.deepEqual(await session.step(Buffer.from('tim@example.org')), { success: TIM });
  });

  it('fails without a certificate identity or with another authzid', async () => {
    assert.equal(reason(await createSaslServer('EXTERNAL', options()).start(Buffer.alloc(0))), 'invalid-credentials');
    const opts = options({ externalIdentity: TIM });
    assert.equal(reason(await createSaslServer('EXTERNAL', opts).start(Buffer.from('admin@example.org'))), 'invalid-credentials');
  });
});
