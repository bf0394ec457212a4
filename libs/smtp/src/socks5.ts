import { Socket, connect, isIPv4, isIPv6 } from 'node:net';

/**
 * Opens a TCP connection to `host:port` through a SOCKS5 proxy (RFC 1928, no
 * authentication method 0x00). Resolves with the socket once the proxy reports success.
 */
export function connectViaSocks5(proxy: { host: string; port: number }, host: string, port: number, timeoutMs = 30_000): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: proxy.host, port: proxy.port });
    const fail = (message: string) => {
      socket.destroy();
      reject(Object.assign(new Error(`SOCKS5 proxy ${proxy.host}:${proxy.port}: ${message}`), { code: 'ESOCKS' }));
    };
    const timer = setTimeout(() => fail(`no answer within ${timeoutMs} ms`), timeoutMs);
    let stage: 'method' | 'connect' = 'method';
    let buffer = Buffer.alloc(0);
    socket.on('error', (err) => {
      clearTimeout(timer);
      fail(err.message);
    });
    socket.on('connect', () => socket.write(Buffer.from([0x05, 0x01, 0x00]))); // RFC 1928 3: version 5, one method: no auth
    const onData = (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk]);
      if (stage === 'method') {
        if (buffer.length < 2) return;
        if (buffer[0] !== 0x05 || buffer[1] !== 0x00) return fail('refuses unauthenticated connections');
        buffer = buffer.subarray(2);
        stage = 'connect';
        // RFC 1928 4: CONNECT with an IPv4 (1), domain name (3) or IPv6 (4) address.
        let address: Buffer;
        if (isIPv4(host)) address = Buffer.from([0x01, ...host.split('.').map(Number)]);
        else if (isIPv6(host)) address = Buffer.concat([Buffer.from([0x04]), ipv6Bytes(host)]);
        else address = Buffer.concat([Buffer.from([0x03, Buffer.byteLength(host)]), Buffer.from(host)]);
        const portBytes = Buffer.from([port >> 8, port & 0xff]);
        socket.write(Buffer.concat([Buffer.from([0x05, 0x01, 0x00]), address, portBytes]));
        return;
      }
      // RFC 1928 6: VER REP RSV ATYP BND.ADDR BND.PORT
      if (buffer.length < 5) return;
      const length = buffer[3] === 0x01 ? 4 : buffer[3] === 0x04 ? 16 : 1 + buffer[4];
      if (buffer.length < 4 + length + 2) return;
      clearTimeout(timer);
      if (buffer[1] !== 0x00) return fail(`CONNECT to ${host}:${port} refused (reply ${buffer[1]})`);
      socket.removeListener('data', onData);
      socket.removeAllListeners('error');
      const rest = buffer.subarray(4 + length + 2);
      if (rest.length > 0) socket.unshift(rest);
      resolve(socket);
    };
    socket.on('data', onData);
  });
}

function ipv6Bytes(address: string): Buffer {
  const [head, tail] = address.split('::');
  const parse = (part: string | undefined) => (part ? part.split(':').map((h) => parseInt(h, 16)) : []);
  const left = parse(head);
  const right = parse(tail);
  const groups = tail === undefined ? left : [...left, ...new Array<number>(8 - left.length - right.length).fill(0), ...right];
  const bytes = Buffer.alloc(16);
  groups.forEach((g, i) => bytes.writeUInt16BE(g, i * 2));
  return bytes;
}
