import { AddressInfo, Server, Socket, createServer } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';

export interface ScriptedSmtpContext {
  /** Command lines received so far on this connection (without CRLF), this one included. */
  lines: string[];
  socket: Socket;
}

export interface ScriptedSmtpPeerOptions {
  /** Sent on connect (CRLF added); null sends nothing. */
  greeting: string | null;
  /** The reply to one command line: one or more lines joined by CRLF (final CRLF added), or null for no answer. */
  respond: (line: string, context: ScriptedSmtpContext) => string | null;
  /** The reply after the final dot; gets the message as received (still dot-stuffed). Default `250 2.0.0 accepted`. */
  afterData?: (message: string, context: ScriptedSmtpContext) => string | null;
  /** Speak TLS from the first byte (implicit TLS, RFC 8314) with this key and certificate. */
  tls?: { key: string; cert: string };
}

export interface ScriptedSmtpPeer {
  readonly port: number;
  /** Every chunk the peer read, in order, as latin1 text: shows what arrived in one write. */
  readonly chunks: string[];
  /** Everything the peer read, concatenated. */
  received(): string;
  close(): Promise<void>;
}

/**
 * An SMTP peer on a raw socket for tests where the exact bytes matter: it answers each command
 * line from a script, enters data mode after any 354 it sends, and records what it reads.
 */
export async function startScriptedSmtpPeer(options: ScriptedSmtpPeerOptions): Promise<ScriptedSmtpPeer> {
  const chunks: string[] = [];
  const sockets = new Set<Socket>();
  const handle = (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    const context: ScriptedSmtpContext = { lines: [], socket };
    let buffer = '';
    let message: string[] | null = null;
    const answer = (reply: string | null) => {
      if (reply === null || socket.destroyed) return;
      socket.write(`${reply}\r\n`);
      if (/(^|\r\n)354[ -][^\r\n]*$/.test(reply) || reply === '354') message = [];
    };
    if (options.greeting !== null) socket.write(`${options.greeting}\r\n`);
    socket.on('data', (chunk: Buffer) => {
      const text = chunk.toString('latin1');
      chunks.push(text);
      buffer += text;
      let i: number;
      while ((i = buffer.indexOf('\r\n')) >= 0) {
        const line = buffer.slice(0, i);
        buffer = buffer.slice(i + 2);
        if (message) {
          if (line !== '.') {
            message.push(line);
            continue;
          }
          const body = message.map((l) => `${l}\r\n`).join('');
          message = null;
          answer(options.afterData ? options.afterData(body, context) : '250 2.0.0 accepted');
          continue;
        }
        context.lines.push(line);
        answer(options.respond(line, context));
      }
    });
  };
  const server: Server = options.tls ? createTlsServer(options.tls, handle) : createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    chunks,
    received: () => chunks.join(''),
    close: () => {
      for (const s of sockets) s.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
