import assert from 'node:assert/strict';
import { AddressInfo, Server, Socket, createServer } from 'node:net';
import { after, describe, it } from 'node:test';
import { ImapConnection, Untagged } from './imap-client';
import { SEARCH_WORD, generateMessage } from './imap-messages';

/** A scripted IMAP peer: `onLine` sees each client line and answers on the socket. */
async function peer(onLine: (line: string, socket: Socket) => void): Promise<{ server: Server; port: number; received: Buffer[] }> {
  const received: Buffer[] = [];
  const server = createServer((socket) => {
    socket.write('* OK scripted\r\n');
    let buffer = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      received.push(chunk);
      buffer = Buffer.concat([buffer, chunk]);
      for (let end = buffer.indexOf('\r\n'); end >= 0; end = buffer.indexOf('\r\n')) {
        const line = buffer.toString('latin1', 0, end);
        buffer = buffer.subarray(end + 2);
        onLine(line, socket);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port, received };
}

/** Writes `text` one byte at a time, so every literal and line straddles reads. */
async function trickle(socket: Socket, text: string): Promise<void> {
  for (const byte of Buffer.from(text, 'latin1')) {
    socket.write(Buffer.from([byte]));
    await new Promise((resolve) => setImmediate(resolve));
  }
}

const target = (port: number) => ({ host: '127.0.0.1', port, tls: 'none' as const, user: 'u', pass: 'p' });

describe('bench IMAP client', () => {
  const servers: Server[] = [];
  after(() => servers.forEach((s) => s.close()));

  it('hands over each untagged response whole, literals included, when bytes arrive one at a time', async () => {
    const scripted = await peer((line, socket) => {
      const [tag, name] = line.split(' ');
      if (name === 'FETCH')
        void trickle(socket, `* 1 FETCH (BODY[] {5}\r\nhello)\r\n* 2 FETCH (BODY[] {0}\r\n UID 7)\r\n${tag} OK done\r\n`);
    });
    servers.push(scripted.server);
    const plain = await ImapConnection.open(target(scripted.port));
    const responses: Untagged[] = [];
    const done = await plain.ok('FETCH 1:2 BODY[]', { onUntagged: (r) => responses.push(r) });
    assert.equal(done.text, 'done');
    assert.deepEqual(
      responses.map((r) => [r.text, r.literals.map((l) => l.toString())]),
      [
        ['* 1 FETCH (BODY[] {5})', ['hello']],
        ['* 2 FETCH (BODY[] {0} UID 7)', ['']],
      ],
    );
    plain.destroy();
  });

  it('sends an APPEND literal only after the continuation, with the CRLF that ends the command', async () => {
    const message = Buffer.from('Subject: x\r\n\r\nbody\r\n');
    let literalAt = -1;
    let beforeContinuation = -1;
    const receivedBytes = () => scripted.received.reduce((n, b) => n + b.length, 0);
    const scripted = await peer((line, socket) => {
      const [tag, name] = line.split(' ');
      if (name === 'APPEND') {
        literalAt = receivedBytes();
        // Wait before the continuation: a client that does not wait sends the literal meanwhile.
        setTimeout(() => {
          beforeContinuation = receivedBytes();
          socket.write('+ go ahead\r\n');
        }, 50);
      } else if (line === 'body') socket.write('b1 OK [APPENDUID 1 1] stored\r\n');
      else if (tag !== 'Subject:' && line !== '') socket.write(`${tag} BAD ${line}\r\n`);
    });
    servers.push(scripted.server);
    const connection = await ImapConnection.open(target(scripted.port));
    const done = await connection.ok(`APPEND INBOX () {${message.length}}`, { literal: message });
    assert.equal(done.status, 'OK');
    assert.equal(beforeContinuation, literalAt, 'nothing sent between the APPEND line and the continuation');
    const sent = Buffer.concat(scripted.received);
    assert.deepEqual(sent.subarray(literalAt), Buffer.concat([message, Buffer.from('\r\n')]));
    connection.destroy();
  });

  it('counts a LOGOUT answered by BYE and a close, without the tagged OK, instead of failing', async () => {
    const scripted = await peer((line, socket) => {
      if (line.endsWith('LOGOUT')) socket.end('* BYE gone\r\n');
    });
    servers.push(scripted.server);
    const connection = await ImapConnection.open(target(scripted.port));
    const before = ImapConnection.logoutsWithoutOk;
    await connection.logout();
    assert.equal(ImapConnection.logoutsWithoutOk, before + 1);
  });
});

describe('bench IMAP messages', () => {
  const messages = Array.from({ length: 2000 }, (_, i) => generateMessage(i + 1));

  it('are the same bytes on every call', () => {
    assert.deepEqual(generateMessage(1234).raw, messages[1233].raw);
  });

  it('end every line with CRLF and keep lines within 998 octets (RFC 5322 2.1.1)', () => {
    for (const m of messages) {
      const text = m.raw.toString('latin1');
      assert.ok(text.endsWith('\r\n'));
      assert.equal(/\r(?!\n)|(?<!\r)\n/.test(text), false);
      assert.ok(text.split('\r\n').every((l) => l.length <= 998));
    }
  });

  it('are a few KB and contain the search word exactly where hasWord says', () => {
    const sizes = messages.map((m) => m.raw.length);
    assert.ok(Math.min(...sizes) > 800 && Math.max(...sizes) < 12_000, `sizes ${Math.min(...sizes)}-${Math.max(...sizes)}`);
    for (const m of messages) assert.equal(m.raw.toString('latin1').toLowerCase().includes(SEARCH_WORD), m.hasWord);
    const withWord = messages.filter((m) => m.hasWord).length;
    assert.ok(withWord > 150 && withWord < 250, `${withWord} with the word`);
  });
});
