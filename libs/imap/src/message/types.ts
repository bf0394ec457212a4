/** A byte range `[start, end)` into the raw message. */
export interface ByteRange {
  start: number;
  end: number;
}

/** One header field as it appears in the raw message. */
export interface HeaderField {
  /** The field name as written (case kept). */
  name: string;
  /** The field value, unfolded (RFC 5322 2.2.3), leading and trailing whitespace trimmed. */
  value: string;
  /** The value unfolded with only leading whitespace removed (Dovecot's ENVELOPE strings). */
  text: string;
  /** The whole field, name to its last line end included. */
  range: ByteRange;
  /** A line without colon: kept for the bytes, never found by name (Dovecot). */
  malformed?: true;
}

/** A parsed parameter list (RFC 2045 5.1, RFC 2231 continuations joined). */
export type MimeParams = [name: string, value: string][];

export interface ContentType {
  /** Lower case, e.g. `text`. */
  type: string;
  /** Lower case, e.g. `plain`. */
  subtype: string;
  /** As written in the header (BODYSTRUCTURE shows it so, as Dovecot does). */
  rawType: string;
  rawSubtype: string;
  /** Parameter names and values as written; look names up case-insensitively (`param()`). */
  params: MimeParams;
}

export interface ContentDisposition {
  /** As written, e.g. `attachment` or `INLINE`. */
  value: string;
  params: MimeParams;
}

/**
 * One MIME entity: the message itself, a part of a multipart, or the message inside a
 * message/rfc822 part. Ranges are offsets into the raw message passed to
 * `parseMessageStructure`, so BODY[section] can answer with the exact original bytes.
 */
export interface MimePart {
  /** The header, from its first byte to the end of the empty line after it (included). */
  header: ByteRange;
  /**
   * Whether the header ended with an empty line (false when the message or a boundary cut
   * it short). The empty line may be outside `header` when a delimiter follows it at once.
   */
  headerTerminated: boolean;
  /** The body, after the empty line, to the line end before the next boundary. */
  body: ByteRange;
  headers: HeaderField[];
  contentType: ContentType;
  disposition: ContentDisposition | null;
  contentId: string | null;
  description: string | null;
  /** Content-Transfer-Encoding, lower-cased; null when absent. */
  encoding: string | null;
  /** Content-Transfer-Encoding as written; null when absent. */
  rawEncoding: string | null;
  language: string[] | null;
  location: string | null;
  md5: string | null;
  /** Number of lines in the body: its LFs, as Dovecot counts (an unterminated last line is not one). */
  lines: number;
  /** Children of a multipart; empty when no boundary was found (rendered as one empty text/plain). */
  parts: MimePart[];
  /** The embedded message of a message/rfc822 (or message/global) part. */
  message: MimePart | null;
}
