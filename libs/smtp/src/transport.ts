import { Socket, connect as netConnect, isIP } from 'node:net';
import { TLSSocket, connect as tlsConnect } from 'node:tls';
import { SmtpClientError } from './errors';

export interface SmtpTlsInfo {
  protocol: string;
  cipher: string;
  authorized: boolean;
  authorizationError: string | null;
}

export interface TlsTarget {
  host: string;
  tls?: { verify?: boolean; ca?: string | Buffer | (string | Buffer)[] };
}

export function tlsInfo(socket: TLSSocket): SmtpTlsInfo {
  return {
    protocol: socket.getProtocol() ?? 'unknown',
    cipher: socket.getCipher()?.name ?? 'unknown',
    authorized: socket.authorized,
    authorizationError: socket.authorizationError ? String(socket.authorizationError) : null,
  };
}

/**
 * Runs the TLS handshake over `socket` (implicit TLS, or after STARTTLS: RFC 3207 4.1). With
 * verify on, the certificate must chain to a trusted CA and name `host` (RFC 6125).
 */
export function upgradeTls(socket: Socket, target: TlsTarget, timeoutMs: number, stage: 'connect' | 'starttls'): Promise<TLSSocket> {
  return new Promise((resolve, reject) => {
    const secure = tlsConnect({
      socket,
      // RFC 6066 3: SNI carries host names only, never IP literals.
      servername: isIP(target.host) ? undefined : target.host,
      host: target.host,
      rejectUnauthorized: target.tls?.verify ?? true,
      ca: target.tls?.ca,
      minVersion: 'TLSv1.2',
    });
    const timer = setTimeout(() => secure.destroy(new Error(`TLS handshake timed out after ${timeoutMs} ms`)), timeoutMs);
    const onError = (err: Error) => {
      clearTimeout(timer);
      secure.destroy();
      socket.destroy();
      reject(new SmtpClientError(stage, `TLS with ${target.host} failed: ${err.message}`, { temporary: true, code: 'TLS_FAILED' }));
    };
    secure.once('error', onError);
    secure.once('secureConnect', () => {
      clearTimeout(timer);
      secure.off('error', onError);
      resolve(secure);
    });
  });
}

export interface SocketTarget {
  host: string;
  address?: string;
  port: number;
  socket?: () => Promise<Socket>;
}

/** Opens the TCP connection (or asks the `socket` seam, e.g. a SOCKS5 proxy) with a deadline. */
export async function openSocket(target: SocketTarget, timeoutMs: number): Promise<Socket> {
  const where = `${target.host} (${target.address ?? target.host}:${target.port})`;
  const failed = (err: unknown) => {
    const code = (err as NodeJS.ErrnoException).code ?? 'ECONNREFUSED';
    return new SmtpClientError('connect', `cannot connect to ${where}: ${(err as Error).message}`, { temporary: true, code });
  };
  if (target.socket) {
    try {
      return await target.socket();
    } catch (err) {
      throw failed(err);
    }
  }
  return new Promise((resolve, reject) => {
    const socket = netConnect({ host: target.address ?? target.host, port: target.port });
    const timer = setTimeout(
      () => socket.destroy(Object.assign(new Error(`connect timed out after ${timeoutMs} ms`), { code: 'ETIMEDOUT' })),
      timeoutMs,
    );
    const onError = (err: Error) => {
      clearTimeout(timer);
      socket.destroy();
      reject(failed(err));
    };
    socket.once('error', onError);
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.off('error', onError);
      resolve(socket);
    });
  });
}
