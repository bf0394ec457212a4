import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { derivePasswordSecrets } from '../password-secrets';
import { decodeSaslResponse } from './response';
import { createSaslServer, saslMechanisms } from './sasl-server';
import { SASL_MECHANISMS, type SaslServerOptions, type SaslStep } from './types';

const noAccounts: SaslServerOptions = { lookup: () => Promise.resolve(null) };

function reason(step: SaslStep): string {
  assert.ok('failure' in step, `expected a failure, got ${JSON.stringify(step)}`);
  return step.failure.reason;
}

describe('saslMechanisms', () => {
  it('offers no PLAIN or LOGIN before TLS', () => {
    assert.deepEqual(saslMechanisms({ tls: false, channelBinding: false, external: false }), ['SCRAM-SHA-256', 'SCRAM-SHA-1', 'CRAM-MD5']);
  });

  it('adds PLAIN and LOGIN with TLS, -PLUS with channel binding and EXTERNAL with a certificate', () => {
    assert.deepEqual(saslMechanisms({ tls: true, channelBinding: false, external: false }), [
      'SCRAM-SHA-256',
      'SCRAM-SHA-1',
      'CRAM-MD5',
      'PLAIN',
      'LOGIN',
    ]);
    assert.deepEqual(saslMechanisms({ tls: true, channelBinding: true, external: true }), [
      'SCRAM-SHA-256-PLUS',
      'SCRAM-SHA-1-PLUS',
      'SCRAM-SHA-256',
      'SCRAM-SHA-1',
      'CRAM-MD5',
      'PLAIN',
      'LOGIN',
      'EXTERNAL',
    ]);
  });
});

describe('SASL session', () => {
  it('fails an unknown mechanism as unsupported', async () => {
    const session = createSaslServer('GSSAPI', noAccounts);
    assert.equal(session.mechanism, 'GSSAPI');
    assert.equal(reason(await session.start()), 'unsupported');
  });

  it('aborts on the client "*" and refuses further steps', async () => {
    for (const mechanism of SASL_MECHANISMS) {
      const session = createSaslServer(mechanism, { ...noAccounts, channelBinding: { type: 'tls-exporter', data: Buffer.alloc(32) } });
      const line = '*';
      const decoded = decodeSaslResponse(line);
      assert.equal(decoded, 'abort');
      await session.start();
      assert.deepEqual(session.abort(), { failure: { reason: 'aborted', text: 'Authentication cancelled' } });
      assert.equal(reason(await session.step(Buffer.from('x'))), 'malformed', mechanism);
    }
  });

  it('refuses a step before start, a second start and a step after success', async () => {
    const secrets = await derivePasswordSecrets('pencil');
    const opts: SaslServerOptions = { lookup: (u) => Promise.resolve(u === 'user' ? { accountId: 'a1', secrets } : null) };
    const early = createSaslServer('PLAIN', opts);
    assert.equal(reason(await early.step(Buffer.from('\0user\0pencil'))), 'malformed');
    const session = createSaslServer('PLAIN', opts);
    assert.ok('success' in (await session.start(Buffer.from('\0user\0pencil'))));
    assert.equal(reason(await session.step(Buffer.from('\0user\0pencil'))), 'malformed');
    assert.equal(reason(await session.start(Buffer.from('\0user\0pencil'))), 'malformed');
  });

  it('passes on a rejected lookup so the caller can answer with a temporary failure', async () => {
    const down = new Error('database down');
    const opts: SaslServerOptions = { lookup: () => Promise.reject(down) };
    await assert.rejects(createSaslServer('PLAIN', opts).start(Buffer.from('\0user\0pencil')), (err) => err === down);
    await assert.rejects(createSaslServer('SCRAM-SHA-256', opts).start(Buffer.from('n,,n=user,r=abc')), (err) => err === down);
  });

  it('never throws on random client bytes', async () => {
    for (const mechanism of SASL_MECHANISMS) {
      for (let i = 0; i < 50; i++) {
        const session = createSaslServer(mechanism, { ...noAccounts, channelBinding: { type: 'tls-unique', data: Buffer.alloc(12) } });
        const first = await session.start(i % 2 ? randomBytes(i) : undefined);
        if ('challenge' in first) {
          const next = await session.step(randomBytes(i * 3));
          assert.ok('challenge' in next || 'failure' in next, mechanism);
        }
      }
    }
  });
});

describe('decodeSaslResponse', () => {
  it('decodes base64, "*" as abort, "=" as an empty initial response and refuses bad base64', () => {
    assert.deepEqual(decodeSaslResponse('AHVzZXIAcGVuY2ls'), Buffer.from('\0user\0pencil'));
    assert.deepEqual(decodeSaslResponse(''), Buffer.alloc(0));
    assert.equal(decodeSaslResponse('*'), 'abort');
    assert.deepEqual(decodeSaslResponse('=', { initial: true }), Buffer.alloc(0));
    assert.equal(decodeSaslResponse('='), undefined);
    assert.equal(decodeSaslResponse('AHVzZXIAcGVuY2l'), undefined);
    assert.equal(decodeSaslResponse('not base64!'), undefined);
  });
});
