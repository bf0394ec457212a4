import { Server, Socket, createServer } from 'node:net';
import { SecureContext, TLSSocket, TLSSocketOptions } from 'node:tls';
import { COMMANDS } from './commands';
import { ImapSession, ImapSessionOptions } from './session';

/** A client certificate is asked for, never required: it only matters for AUTHENTICATE EXTERNAL. */
const CLIENT_CERTIFICATES = { requestCert: true, rejectUnauthorized: false } as const;

/** Certificates that can change while running, picked per SNI name (libs/smtp's CertificateStore is one). */
export interface TlsContexts {
  contextFor(servername: string | undefined): SecureContext;
}

export interface ImapServerOptions extends Omit<ImapSessionOptions, 'startTls'> {
  /** Certificates by SNI name; without them there is no STARTTLS and no port 993. */
  tls?: TlsContexts;
}

export interface ImapListenerAddress {
  host: string;
  port: number;
  /** Implicit TLS (993) rather than STARTTLS (143). */
  implicitTls: boolean;
}

/**
 * The IMAP server: one `ImapSession` per connection, on plain listeners (STARTTLS, RFC 9051
 * 6.2.1) and implicit-TLS listeners (RFC 8314 3.3). Framework-free; apps/mta starts it.
 */
export class ImapServer {
  private servers: Server[] = [];
  private sessions = new Set<ImapSession>();
  private sockets = new Set<Socket>();
  private contexts: TlsContexts | null;

  constructor(private readonly options: ImapServerOptions) {
    this.contexts = options.tls ?? null;
  }

  get sessionCount(): number {
    return this.sessions.size;
  }

  async listen(address: ImapListenerAddress): Promise<number> {
    if (address.implicitTls && !this.contexts) throw new Error('implicit TLS needs a certificate');
    const server = createServer((socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
      if (address.implicitTls) {
        const secure = new TLSSocket(socket, this.tlsOptions(this.contexts as TlsContexts));
        secure.on('error', () => socket.destroy());
        // A client that never finishes the handshake does not hold the socket.
        const handshake = setTimeout(() => socket.destroy(), 30_000);
        secure.once('secure', () => {
          clearTimeout(handshake);
          this.open(secure);
        });
        socket.once('close', () => clearTimeout(handshake));
      } else {
        this.open(socket);
      }
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(address.port, address.host, () => resolve());
    });
    this.servers.push(server);
    const bound = server.address();
    return typeof bound === 'object' && bound ? bound.port : address.port;
  }

  /** The current default certificate, and by SNI name (RFC 6066 3) any other. */
  private tlsOptions(contexts: TlsContexts): TLSSocketOptions {
    return {
      isServer: true,
      secureContext: contexts.contextFor(undefined),
      SNICallback: (servername, callback) => callback(null, contexts.contextFor(servername)),
      ...CLIENT_CERTIFICATES,
    };
  }

  private open(socket: Socket): void {
    const contexts = this.contexts;
    const session = new ImapSession(
      socket,
      {
        ...this.options,
        startTls: contexts
          ? (plain) =>
              new Promise<TLSSocket>((resolve, reject) => {
                const secure = new TLSSocket(plain, this.tlsOptions(contexts));
                secure.once('secure', () => resolve(secure));
                secure.once('error', reject);
              })
          : undefined,
      },
      (name) => COMMANDS[name],
    );
    this.sessions.add(session);
    this.options.logger.debug({ session: session.id, remote: socket.remoteAddress }, 'imap connection');
    socket.on('close', () => {
      this.sessions.delete(session);
      this.options.logger.debug({ session: session.id }, 'imap connection closed');
    });
    socket.setNoDelay(true);
    session.start();
  }

  /** Stops listening and ends every session with BYE (RFC 9051 7.1.5). */
  async close(): Promise<void> {
    const closing = Promise.all(this.servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
    this.servers = [];
    for (const session of this.sessions) session.bye('server shutting down');
    for (const socket of this.sockets) socket.destroy();
    await closing;
  }
}
