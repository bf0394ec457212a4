import { BASE64 } from './common';

/**
 * Decodes one client line of an exchange: `*` cancels (RFC 4954 4, RFC 9051 6.2.2), `=` is an
 * empty initial response (RFC 4954 4, RFC 4959 3), anything else must be base64. Returns
 * 'abort' (call `session.abort()`), the bytes, or undefined for bad base64 (a syntax error reply).
 */
export function decodeSaslResponse(line: string, opts: { initial?: boolean } = {}): Buffer | 'abort' | undefined {
  if (line === '*') {
    return 'abort';
  }
  if (opts.initial && line === '=') {
    return Buffer.alloc(0);
  }
  return BASE64.test(line) ? Buffer.from(line, 'base64') : undefined;
}
