import assert from 'node:assert/strict';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { connect, createServer, type SecureVersion, type Server, type TLSSocket } from 'node:tls';
import { selfSignedCertificate, type TestCertificate } from '@postern/testing';
import { derivePasswordSecrets, type PasswordSecrets } from '../password-secrets';
import { ScramClient } from '../scram-client';
import { createSaslServer } from './sasl-server';
import { serverChannelBinding } from './tls-channel-binding';
import type { SaslChannelBinding } from './types';

// Both ends of a real TLS connection on 127.0.0.1 must derive the same channel binding data,
// or -PLUS fails for every honest client. RFC 9266 for TLS 1.3, RFC 5929 3 for TLS 1.2.
function tlsExporter(socket: TLSSocket): Buffer {
  return socket.exportKeyingMaterial(32, 'EXPORTER-Channel-Binding', Buffer.alloc(0));
}

interface Pair {
  server: TLSSocket;
  client: TLSSocket;
}

describe('SCRAM-PLUS over a real TLS connection', () => {
  let certificate: TestCertificate;
  let secrets: PasswordSecrets;
  const servers: Server[] = [];
  const sockets: TLSSocket[] = [];

  before(async () => {
    certificate = await selfSignedCertificate(['localhost']);
    secrets = await derivePasswordSecrets('pencil');
  });

  after(() => {
    sockets.forEach((socket) => socket.destroy());
    servers.forEach((server) => server.close());
  });

  async function connectPair(version: SecureVersion): Promise<Pair> {
    const server = createServer({ key: certificate.key, cert: certificate.cert, minVersion: version, maxVersion: version });
    servers.push(server);
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const accepted = once(server, 'secureConnection') as Promise<[TLSSocket]>;
    const client = connect({
      host: '127.0.0.1',
      port: (server.address() as AddressInfo).port,
      ca: certificate.cert,
      servername: 'localhost',
    });
    await once(client, 'secureConnect');
    const [serverSocket] = await accepted;
    sockets.push(client, serverSocket);
    return { server: serverSocket, client };
  }

  async function exchange(serverBinding: SaslChannelBinding, clientBinding: SaslChannelBinding): Promise<boolean> {
    const client = new ScramClient('sha256', 'user', 'pencil', { channelBinding: clientBinding });
    const session = createSaslServer('SCRAM-SHA-256-PLUS', {
      lookup: (name) => Promise.resolve(name === 'user' ? { accountId: 'a1', secrets } : null),
      channelBinding: serverBinding,
    });
    const serverFirst = await session.start(Buffer.from(client.first()));
    assert.ok('challenge' in serverFirst);
    const done = await session.step(Buffer.from(client.final(serverFirst.challenge.toString())));
    if (!('success' in done)) {
      return false;
    }
    client.verify(done.additionalData?.toString() ?? '');
    return true;
  }

  it('tls-exporter on TLS 1.3: both ends agree and the exchange succeeds', async () => {
    const { server, client } = await connectPair('TLSv1.3');
    assert.equal(server.getProtocol(), 'TLSv1.3');
    const binding = serverChannelBinding(server);
    assert.equal(binding?.type, 'tls-exporter');
    assert.ok(binding);
    assert.equal(await exchange(binding, { type: 'tls-exporter', data: tlsExporter(client) }), true);
  });

  it('tls-exporter data of another connection does not match', async () => {
    const first = await connectPair('TLSv1.3');
    const second = await connectPair('TLSv1.3');
    assert.equal(
      await exchange({ type: 'tls-exporter', data: tlsExporter(first.server) }, { type: 'tls-exporter', data: tlsExporter(second.client) }),
      false,
    );
  });

  it('tls-unique on TLS 1.2 is the first Finished: the server must use getPeerFinished()', async () => {
    const { server, client } = await connectPair('TLSv1.2');
    const clientData = client.getFinished();
    const serverPeer = server.getPeerFinished();
    assert.ok(clientData && serverPeer);
    // In a full handshake the client's Finished comes first (RFC 5929 3.1); the server's own
    // getFinished() is the second one and does not match what the client binds to.
    assert.equal(await exchange({ type: 'tls-unique', data: serverPeer }, { type: 'tls-unique', data: clientData }), true);
    const binding = serverChannelBinding(server);
    assert.deepEqual(binding, { type: 'tls-unique', data: serverPeer });
    const serverOwn = server.getFinished();
    assert.ok(serverOwn);
    assert.equal(await exchange({ type: 'tls-unique', data: serverOwn }, { type: 'tls-unique', data: clientData }), false);
  });
});
