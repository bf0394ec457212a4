import type { TLSSocket } from 'node:tls';
import type { SaslChannelBinding } from './types';

/**
 * The channel binding data of the server's end of a TLS connection, for `channelBinding`, or
 * undefined when there is none (no TLS yet, or an older protocol).
 *
 * TLS 1.3: tls-exporter (RFC 9266 2), keying material with the label "EXPORTER-Channel-Binding"
 * and no context. TLS 1.2: tls-unique (RFC 5929 3.1), the first Finished message of the latest
 * handshake: the client's in a full handshake (the server's `getPeerFinished()`), the server's
 * own in an abbreviated (resumed) one (`getFinished()`).
 */
export function serverChannelBinding(socket: TLSSocket): SaslChannelBinding | undefined {
  const protocol = socket.getProtocol();
  if (protocol === 'TLSv1.3') {
    return { type: 'tls-exporter', data: socket.exportKeyingMaterial(32, 'EXPORTER-Channel-Binding', Buffer.alloc(0)) };
  }
  if (protocol === 'TLSv1.2') {
    const data = socket.isSessionReused() ? socket.getFinished() : socket.getPeerFinished();
    return data ? { type: 'tls-unique', data } : undefined;
  }
  return undefined;
}
