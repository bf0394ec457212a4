import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { derivePasswordSecrets, type PasswordSecrets } from '../password-secrets';
import { ScramClient } from '../scram-client';
import { deriveScramSecret } from '../scram-secret';
import { createSaslServer } from './sasl-server';
import type { SaslServerOptions, SaslStep } from './types';

const ACCOUNT_ID = '0190a000-0000-7000-8000-000000000001';

function text(step: SaslStep): string {
  assert.ok('challenge' in step, `expected a challenge, got ${JSON.stringify(step)}`);
  return step.challenge.toString('utf8');
}

function failure(step: SaslStep): { reason: string; text: string } {
  assert.ok('failure' in step, `expected a failure, got ${JSON.stringify(step)}`);
  return step.failure;
}

// The RFC examples' salts with 4096 iterations; the other secrets do not matter to SCRAM.
function rfcSecrets(): PasswordSecrets {
  return {
    hash: '$scrypt$invalid',
    scramSha1: deriveScramSecret('sha1', 'pencil', { salt: Buffer.from('QSXCR+Q6sek8bf92', 'base64'), iterations: 4096 }),
    scramSha256: deriveScramSecret('sha256', 'pencil', { salt: Buffer.from('W22ZaJ0SNY7soEsUEjb6gQ==', 'base64'), iterations: 4096 }),
    cramMd5: { ipad: '', opad: '' },
  };
}

function options(secrets: PasswordSecrets, extra: Partial<SaslServerOptions> = {}): SaslServerOptions & { lookups: string[] } {
  const lookups: string[] = [];
  return {
    lookups,
    lookup: (username) => {
      lookups.push(username);
      return Promise.resolve(username === 'user' ? { accountId: ACCOUNT_ID, secrets } : null);
    },
    ...extra,
  };
}

const EXAMPLES = [
  {
    name: 'RFC 5802 section 5 (SCRAM-SHA-1)',
    mechanism: 'SCRAM-SHA-1',
    serverNonce: '3rfcNHYJY1ZVvWVs7j',
    clientFirst: 'n,,n=user,r=fyko+d2lbbFgONRv9qkxdawL',
    serverFirst: 'r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=4096',
    clientFinal: 'c=biws,r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,p=v0X8v3Bz2T0CJGbJQyF0X+HI4Ts=',
    serverFinal: 'v=rmF9pqV8S7suAoZWja4dJRkFsKQ=',
  },
  {
    name: 'RFC 7677 section 3 (SCRAM-SHA-256)',
    mechanism: 'SCRAM-SHA-256',
    serverNonce: '%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0',
    clientFirst: 'n,,n=user,r=rOprNGfwEbeRWgbNEkqO',
    serverFirst: 'r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096',
    clientFinal: 'c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=',
    serverFinal: 'v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=',
  },
] as const;

describe('SCRAM server', () => {
  for (const example of EXAMPLES) {
    it(`reproduces the ${example.name} exchange byte for byte`, async () => {
      const session = createSaslServer(example.mechanism, options(rfcSecrets(), { nonce: example.serverNonce }));
      assert.equal(text(await session.start(Buffer.from(example.clientFirst))), example.serverFirst);
      const done = await session.step(Buffer.from(example.clientFinal));
      assert.ok('success' in done, JSON.stringify(done));
      assert.deepEqual(done.success, { username: 'user', accountId: ACCOUNT_ID });
      assert.equal(done.additionalData?.toString('utf8'), example.serverFinal);
    });

    it(`${example.name}: a flipped proof bit fails with e=invalid-proof`, async () => {
      const session = createSaslServer(example.mechanism, options(rfcSecrets(), { nonce: example.serverNonce }));
      await session.start(Buffer.from(example.clientFirst));
      const tampered = example.clientFinal.replace(/p=./, (m) => (m.endsWith('A') ? 'p=B' : 'p=A'));
      assert.deepEqual(failure(await session.step(Buffer.from(tampered))), { reason: 'invalid-credentials', text: 'e=invalid-proof' });
    });
  }

  for (const [mechanism, hash] of [
    ['SCRAM-SHA-1', 'sha1'],
    ['SCRAM-SHA-256', 'sha256'],
  ] as const) {
    it(`${mechanism}: ScramClient authenticates and verifies the server signature`, async () => {
      const secrets = await derivePasswordSecrets('pencil');
      const client = new ScramClient(hash, 'user', 'pencil');
      const session = createSaslServer(mechanism.toLowerCase(), options(secrets));
      assert.equal(session.mechanism, mechanism);
      const serverFirst = text(await session.start(undefined).then(() => session.step(Buffer.from(client.first()))));
      const done = await session.step(Buffer.from(client.final(serverFirst)));
      assert.ok('success' in done, JSON.stringify(done));
      client.verify(done.additionalData?.toString('utf8') ?? '');
    });

    it(`${mechanism}: a wrong password fails with e=invalid-proof`, async () => {
      const secrets = await derivePasswordSecrets('pencil');
      const client = new ScramClient(hash, 'user', 'crayon');
      const session = createSaslServer(mechanism, options(secrets));
      const serverFirst = text(await session.start(Buffer.from(client.first())));
      assert.deepEqual(failure(await session.step(Buffer.from(client.final(serverFirst)))), {
        reason: 'invalid-credentials',
        text: 'e=invalid-proof',
      });
    });

    it(`${mechanism}-PLUS: binds to matching channel data and refuses other data`, async () => {
      const secrets = await derivePasswordSecrets('pencil');
      const data = Buffer.from('0123456789abcdef0123456789abcdef');
      const serverOptions = options(secrets, { channelBinding: { type: 'tls-exporter', data } });

      const good = new ScramClient(hash, 'user', 'pencil', { channelBinding: { type: 'tls-exporter', data } });
      const session = createSaslServer(`${mechanism}-PLUS`, serverOptions);
      const first = good.first();
      assert.ok(first.startsWith('p=tls-exporter,,n=user,'));
      const done = await session.step(Buffer.from(good.final(text(await session.start(Buffer.from(first))))));
      assert.ok('success' in done, JSON.stringify(done));
      good.verify(done.additionalData?.toString('utf8') ?? '');

      // A man in the middle terminates TLS itself, so its channel's data differs.
      const relayed = new ScramClient(hash, 'user', 'pencil', { channelBinding: { type: 'tls-exporter', data: Buffer.alloc(32, 7) } });
      const other = createSaslServer(`${mechanism}-PLUS`, serverOptions);
      const serverFirst = text(await other.start(Buffer.from(relayed.first())));
      assert.deepEqual(failure(await other.step(Buffer.from(relayed.final(serverFirst)))), {
        reason: 'channel-binding',
        text: 'e=channel-bindings-dont-match',
      });
    });
  }

  it('-PLUS refuses a channel binding type the connection does not have', async () => {
    const session = createSaslServer(
      'SCRAM-SHA-256-PLUS',
      options(rfcSecrets(), { channelBinding: { type: 'tls-exporter', data: Buffer.alloc(32) } }),
    );
    assert.deepEqual(failure(await session.start(Buffer.from('p=tls-unique,,n=user,r=abc'))), {
      reason: 'channel-binding',
      text: 'e=unsupported-channel-binding-type',
    });
  });

  it('-PLUS is unsupported without channel binding data, and needs a p= header', async () => {
    const none = createSaslServer('SCRAM-SHA-256-PLUS', options(rfcSecrets()));
    assert.equal(failure(await none.start(Buffer.from('p=tls-exporter,,n=user,r=abc'))).reason, 'unsupported');
    const plus = createSaslServer(
      'SCRAM-SHA-256-PLUS',
      options(rfcSecrets(), { channelBinding: { type: 'tls-unique', data: Buffer.alloc(12) } }),
    );
    assert.equal(failure(await plus.start(Buffer.from('n,,n=user,r=abc'))).reason, 'malformed');
  });

  it('RFC 5802 6: a "y" client fails when the server offers -PLUS, and passes when it does not', async () => {
    const offered = createSaslServer(
      'SCRAM-SHA-256',
      options(rfcSecrets(), { channelBinding: { type: 'tls-exporter', data: Buffer.alloc(32) } }),
    );
    assert.deepEqual(failure(await offered.start(Buffer.from('y,,n=user,r=abc'))), {
      reason: 'channel-binding',
      text: 'e=server-does-support-channel-binding',
    });
    const plain = createSaslServer('SCRAM-SHA-256', options(rfcSecrets(), { nonce: 'SERVER' }));
    assert.equal(text(await plain.start(Buffer.from('y,,n=user,r=abc'))), 'r=abcSERVER,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096');
    // c= must then echo "y,," (eSws), not "n,," (biws).
    assert.deepEqual(failure(await plain.step(Buffer.from('c=biws,r=abcSERVER,p=AAAA'))), {
      reason: 'channel-binding',
      text: 'e=channel-bindings-dont-match',
    });
  });

  it('a non-PLUS mechanism refuses a p= header', async () => {
    const session = createSaslServer(
      'SCRAM-SHA-1',
      options(rfcSecrets(), { channelBinding: { type: 'tls-exporter', data: Buffer.alloc(32) } }),
    );
    assert.deepEqual(failure(await session.start(Buffer.from('p=tls-exporter,,n=user,r=abc'))), {
      reason: 'channel-binding',
      text: 'e=channel-binding-not-supported',
    });
  });

  it('answers an unknown user like a known one: same steps, a stable salt, then e=invalid-proof', async () => {
    const opts = options(rfcSecrets(), { unknownUserKey: Buffer.alloc(32, 1) });
    const answer = async (name: string) => {
      const client = new ScramClient('sha256', name, 'pencil');
      const session = createSaslServer('SCRAM-SHA-256', opts);
      const serverFirst = text(await session.start(Buffer.from(client.first())));
      return { serverFirst, final: await session.step(Buffer.from(client.final(serverFirst))) };
    };
    const first = await answer('nobody');
    const second = await answer('nobody');
    const salt = (s: string) => /,s=([^,]+),i=(\d+)$/.exec(s)?.slice(1);
    assert.deepEqual(salt(first.serverFirst), salt(second.serverFirst));
    assert.equal(Buffer.from(salt(first.serverFirst)?.[0] ?? '', 'base64').length, 16);
    assert.equal(salt(first.serverFirst)?.[1], '10000');
    assert.notDeepEqual(salt((await answer('somebody')).serverFirst), salt(first.serverFirst));
    assert.deepEqual(failure(first.final), { reason: 'invalid-credentials', text: 'e=invalid-proof' });
    assert.deepEqual(opts.lookups, ['nobody', 'nobody', 'somebody']);
  });

  it('decodes =2C and =3D in the username and refuses other escapes', async () => {
    const opts = options(rfcSecrets());
    const session = createSaslServer('SCRAM-SHA-1', opts);
    text(await session.start(Buffer.from('n,,n=a=2Cb=3Dc,r=abc')));
    assert.deepEqual(opts.lookups, ['a,b=c']);
    const bad = createSaslServer('SCRAM-SHA-1', opts);
    assert.deepEqual(failure(await bad.start(Buffer.from('n,,n=a=2Xb,r=abc'))), {
      reason: 'malformed',
      text: 'e=invalid-username-encoding',
    });
  });

  it('refuses a mandatory extension and an authzid naming someone else', async () => {
    const ext = createSaslServer('SCRAM-SHA-1', options(rfcSecrets()));
    assert.deepEqual(failure(await ext.start(Buffer.from('n,,m=ext,n=user,r=abc'))), {
      reason: 'malformed',
      text: 'e=extensions-not-supported',
    });
    const authzid = createSaslServer('SCRAM-SHA-1', options(rfcSecrets()));
    assert.equal(failure(await authzid.start(Buffer.from('n,a=admin,n=user,r=abc'))).reason, 'invalid-credentials');
    const same = createSaslServer('SCRAM-SHA-1', options(rfcSecrets()));
    text(await same.start(Buffer.from('n,a=user,n=user,r=abc')));
  });

  it('fails malformed client messages without throwing', async () => {
    const firsts = [
      '',
      'n',
      'n,,',
      'x,,n=user,r=abc',
      'n,,r=abc,n=user',
      'n,,n=user',
      'n,,n=,r=abc',
      'n,,n=user,r=',
      'n,,n=user,r=a\u00e9',
      'n,b,n=user,r=abc',
    ];
    for (const message of firsts) {
      const session = createSaslServer('SCRAM-SHA-256', options(rfcSecrets()));
      assert.equal(failure(await session.start(Buffer.from(message))).reason, 'malformed', message);
    }
    const invalidUtf8 = createSaslServer('SCRAM-SHA-256', options(rfcSecrets()));
    assert.deepEqual(failure(await invalidUtf8.start(Buffer.from([0x6e, 0x2c, 0x2c, 0xff, 0x2c]))), {
      reason: 'malformed',
      text: 'e=invalid-encoding',
    });

    const finals = [
      '',
      'c=biws',
      'c=biws,r=abcSERVER',
      'r=abcSERVER,c=biws,p=AAAA',
      'c=b!ws,r=abcSERVER,p=AAAA',
      'c=biws,r=abcSERVER,p=',
      'c=biws,r=abcSERVER,p=AAA',
      'c=biws,r=other,p=AAAA',
    ];
    for (const message of finals) {
      const session = createSaslServer('SCRAM-SHA-256', options(rfcSecrets(), { nonce: 'SERVER' }));
      text(await session.start(Buffer.from('n,,n=user,r=abc')));
      assert.equal(failure(await session.step(Buffer.from(message))).reason, 'malformed', message);
    }
  });

  it('treats a malformed stored secret as a failed proof', async () => {
    const secrets = { ...rfcSecrets(), scramSha1: { ...rfcSecrets().scramSha1, storedKey: 'AAAA' } };
    const session = createSaslServer('SCRAM-SHA-1', options(secrets, { nonce: EXAMPLES[0].serverNonce }));
    await session.start(Buffer.from(EXAMPLES[0].clientFirst));
    assert.deepEqual(failure(await session.step(Buffer.from(EXAMPLES[0].clientFinal))), {
      reason: 'invalid-credentials',
      text: 'e=invalid-proof',
    });
  });
});
