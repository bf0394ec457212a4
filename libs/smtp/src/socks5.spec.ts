import assert from 'node:assert/strict';
import { AddressInfo, Server, Socket, connect, createServer } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { connectViaSocks5 } from './socks5';

/** A minimal SOCKS5 proxy (RFC 1928, no authentication, CONNECT to IPv4) that records where it connected. */
function startProxy(targets: string[]): Promise<Server> {
  const server = createServer((client: Socket) => {
    client.once('data', (hello: Buffer) => {
      assert.deepEqual([...hello], [5, 1, 0]);
      client.write(Buffer.from([5, 0]));
      client.once('data', (request: Buffer) => {
        const host = [...request.subarray(4, 8)].join('.');
        const port = request.readUInt16BE(8);
        targets.push(`${host}:${port}`);
        const upstream = connect({ host, port }, () => {
          client.write(Buffer.from([5, 0, 0, 1, 127, 0, 0, 1, 0, 0]));
          client.pipe(upstream).pipe(client);
        });
        upstream.on('error', () => client.end(Buffer.from([5, 5, 0, 1, 0, 0, 0, 0, 0, 0])));
      });
    });
    client.on('error', () => undefined);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

describe('connectViaSocks5', () => {
  let proxy: Server;
  let echo: Server;
  const targets: string[] = [];

  before(async () => {
    proxy = await startProxy(targets);
    echo = createServer((s) => s.pipe(s));
    await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
  });

  after(() => {
    proxy.close();
    echo.close();
  });

  it('connects through the proxy and carries bytes both ways', async () => {
    const port = (echo.address() as AddressInfo).port;
    const socket = await connectViaSocks5({ host: '127.0.0.1', port: (proxy.address() as AddressInfo).port }, '127.0.0.1', port);
    const reply = new Promise<string>((resolve) => socket.once('data', (d: Buffer) => resolve(d.toString())));
    socket.write('EHLO through.proxy\r\n');
    assert.equal(await reply, 'EHLO through.proxy\r\n');
    assert.deepEqual(targets, [`127.0.0.1:${port}`]);
    socket.destroy();
  });

  it('reports a refused CONNECT as an error naming the proxy', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    closed.close();
    await assert.rejects(
      connectViaSocks5({ host: '127.0.0.1', port: (proxy.address() as AddressInfo).port }, '127.0.0.1', port),
      /SOCKS5 proxy .*refused/,
    );
  });
});
