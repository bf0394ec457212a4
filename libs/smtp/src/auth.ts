import { cramMd5Response, cramMd5Secret, ScramClient } from '@postern/sasl';
import type { SmtpReply } from './reply-reader';

/** Strongest first: SCRAM never reveals the password, CRAM-MD5 not in the clear, PLAIN/LOGIN only under TLS. */
const PREFERENCE = ['SCRAM-SHA-256', 'CRAM-MD5', 'PLAIN', 'LOGIN'];

export function chooseMechanism(offered: string[], allowed: string[] = PREFERENCE): string | null {
  return PREFERENCE.find((m) => offered.includes(m) && allowed.map((a) => a.toUpperCase()).includes(m)) ?? null;
}

const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');
const unb64 = (s: string) => Buffer.from(s, 'base64').toString('utf8');

/**
 * Runs one AUTH exchange (RFC 4954). `command` sends a line and returns the reply; a 334
 * carries the server's base64 challenge. Returns the final reply (235 on success).
 */
export async function authenticate(
  mechanism: string,
  auth: { username: string; password: string },
  command: (line: string) => Promise<SmtpReply>,
): Promise<SmtpReply> {
  switch (mechanism) {
    case 'PLAIN':
      // RFC 4616: authzid NUL authcid NUL password, sent as the initial response.
      return command(`AUTH PLAIN ${b64(`\0${auth.username}\0${auth.password}`)}`);
    case 'LOGIN': {
      let reply = await command('AUTH LOGIN');
      if (reply.code !== 334) return reply;
      reply = await command(b64(auth.username));
      if (reply.code !== 334) return reply;
      return command(b64(auth.password));
    }
    case 'CRAM-MD5': {
      // RFC 2195: HMAC-MD5 of the challenge keyed with the password, hex, after the user name.
      const reply = await command('AUTH CRAM-MD5');
      if (reply.code !== 334) return reply;
      const digest = cramMd5Response(cramMd5Secret(auth.password), unb64(reply.text));
      return command(b64(`${auth.username} ${digest}`));
    }
    case 'SCRAM-SHA-256': {
      const scram = new ScramClient('sha256', auth.username, auth.password);
      let reply = await command(`AUTH SCRAM-SHA-256 ${b64(scram.first())}`);
      if (reply.code !== 334) return reply;
      let final: string;
      try {
        final = scram.final(unb64(reply.text));
      } catch (err) {
        await command('*'); // RFC 4954 4: cancel the exchange
        return { code: 535, enhanced: '5.7.8', text: (err as Error).message };
      }
      reply = await command(b64(final));
      if (reply.code === 334) {
        try {
          scram.verify(unb64(reply.text));
        } catch (err) {
          await command('*');
          return { code: 535, enhanced: '5.7.8', text: (err as Error).message };
        }
        reply = await command('');
      } else if (reply.code === 235 && reply.text) {
        // Some servers send server-final as additional data with 235 (RFC 4954 4).
        try {
          scram.verify(unb64(reply.text));
        } catch {
          // not additional data after all; the 235 stands
        }
      }
      return reply;
    }
    default:
      return { code: 504, enhanced: '5.5.4', text: `unsupported mechanism ${mechanism}` };
  }
}
