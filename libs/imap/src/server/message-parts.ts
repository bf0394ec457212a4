import { SectionSpec } from '../protocol/command';
import { ImapValue } from '../protocol/value';

/**
 * Message rendering for FETCH and SEARCH, over one message's bytes (parsed at most once).
 * The session uses `mimeRenderer` (over libs/imap/src/message) unless given another; FETCH
 * and SEARCH call only this.
 */
export interface RenderedMessage {
  envelope(): ImapValue;
  bodyStructure(extended: boolean): ImapValue;
  /** The bytes of BODY[section]; empty when the section does not exist. */
  section(spec: SectionSpec): Buffer;
  /** BINARY[part] (RFC 3516): the decoded content; null when the part does not exist; 'unknown-cte' when it cannot be decoded. */
  binary(part: number[]): Buffer | null | 'unknown-cte';
  /** SEARCH HEADER/FROM/TO/CC/BCC/SUBJECT (RFC 9051 6.4.4), case-insensitive substring. */
  matchesHeader(field: string, needle: string): boolean;
  /** The Date header's calendar day `YYYY-MM-DD` (SEARCH SENT*), or null. */
  sentDay(): string | null;
}

export type MessageRenderer = (raw: Buffer) => RenderedMessage;

export function splitHeader(raw: Buffer): { header: Buffer; body: Buffer } {
  const crlf = raw.indexOf('\r\n\r\n');
  // An LF-only blank line counts only before the first CRLF one (no scan of the whole body).
  const lf = (crlf >= 0 ? raw.subarray(0, crlf + 2) : raw).indexOf('\n\n');
  if (crlf >= 0 && (lf < 0 || crlf < lf)) return { header: raw.subarray(0, crlf + 4), body: raw.subarray(crlf + 4) };
  if (lf >= 0) return { header: raw.subarray(0, lf + 2), body: raw.subarray(lf + 2) };
  return { header: raw, body: Buffer.alloc(0) };
}
