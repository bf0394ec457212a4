import addressparser from 'nodemailer/lib/addressparser';
import type { MailAddress } from './compose';
import { decodeEncodedWords } from './encoded-words';
import { MimeError } from './mime-error';

export interface HeaderSummary {
  from: MailAddress[];
  messageId: string | null;
  subject: string | null;
  /** Octets of the header section including the empty line that ends it: where the body starts. */
  headerBytes: number;
}

export interface HeaderField {
  name: string;
  /** Unfolded value, raw (not RFC 2047 decoded), without the leading whitespace. */
  value: string;
}

// RFC 5322 2.2: printable US-ASCII except the colon.
const FIELD_NAME = /^[\x21-\x39\x3b-\x7e]+$/;
// RFC 5322 3.6.4
const MSG_ID = /^<[^<>\s]+@[^<>\s]+>$/;

/** Splits a message into its header section (RFC 5322 2.1) and returns where the body starts. */
export function headerSectionLength(message: Buffer): number {
  if (message.subarray(0, 2).toString('latin1') === '\r\n') return 2;
  const end = message.indexOf('\r\n\r\n');
  if (end >= 0) return end + 4;
  // A message may have no body at all: the header section then runs to the end.
  if (message.length > 0 && message.subarray(-2).toString('latin1') === '\r\n') return message.length;
  throw new MimeError('the header section does not end with an empty line (lines must end in CRLF)');
}

/** Parses the header fields of an RFC 5322 message; malformed input throws a MimeError. */
export function parseHeaderFields(message: Buffer): { fields: HeaderField[]; headerBytes: number } {
  const headerBytes = headerSectionLength(message);
  const text = message.subarray(0, headerBytes).toString('utf8');
  const section = text.slice(0, text.endsWith('\r\n\r\n') ? -4 : -2);
  const lines = section === '' ? [] : section.split('\r\n');
  const fields: HeaderField[] = [];
  lines.forEach((line, index) => {
    const where = `header line ${index + 1}`;
    // eslint-disable-next-line no-control-regex
    if (/[\x00\r\n]/.test(line)) throw new MimeError(`${where} contains a bare CR, LF or NUL`);
    if (line.length > 998) throw new MimeError(`${where} is longer than 998 characters (RFC 5322 2.1.1)`);
    if (line.startsWith(' ') || line.startsWith('\t')) {
      // RFC 5322 2.2.3: a folded line continues the field above it.
      const last = fields.at(-1);
      if (!last) throw new MimeError('the header section starts with a continuation line');
      last.value += line;
      return;
    }
    const colon = line.indexOf(':');
    const name = colon >= 0 ? line.slice(0, colon).replace(/[ \t]+$/, '') : '';
    if (!FIELD_NAME.test(name)) throw new MimeError(`${where} is not a "Name: value" header field`);
    fields.push({ name, value: line.slice(colon + 1).replace(/^[ \t]+/, '') });
  });
  if (fields.length === 0) throw new MimeError('the message has no header fields');
  return { fields, headerBytes };
}

/** What a raw (RFC 5322) send needs from the message: sender, Message-ID and Subject. */
export function readHeaders(message: Buffer): HeaderSummary {
  const { fields, headerBytes } = parseHeaderFields(message);
  const named = (name: string): HeaderField[] => fields.filter((f) => f.name.toLowerCase() === name);

  // RFC 5322 3.6: exactly one From, at most one Subject and Message-ID.
  const fromFields = named('from');
  if (fromFields.length !== 1) throw new MimeError(`expected one From header, found ${fromFields.length}`);
  const from = addressparser(fromFields[0].value, { flatten: true }).map(({ address, name }) => ({
    address,
    ...(name ? { name: decodeEncodedWords(name) } : {}),
  }));
  if (from.length === 0 || from.some(({ address }) => !/^[^@\s]+@[^@\s]+$/.test(address))) {
    throw new MimeError(`the From header ${JSON.stringify(fromFields[0].value)} does not hold a valid address`);
  }

  const subjects = named('subject');
  const messageIds = named('message-id');
  if (subjects.length > 1) throw new MimeError('the message has more than one Subject header');
  if (messageIds.length > 1) throw new MimeError('the message has more than one Message-ID header');
  const messageId = messageIds[0]?.value.trim() ?? null;
  if (messageId !== null && !MSG_ID.test(messageId)) {
    throw new MimeError(`the Message-ID ${JSON.stringify(messageId)} is not <id@domain>`);
  }

  return {
    from,
    messageId,
    subject: subjects.length ? decodeEncodedWords(subjects[0].value) : null,
    headerBytes,
  };
}
