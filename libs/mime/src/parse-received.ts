import { AddressObject, simpleParser } from 'mailparser';
import { MimePart, isAttachment, leafParts, mimeTree } from './mime-parts';

export interface ReceivedAddress {
  name: string;
  address: string;
}

export interface ReceivedAttachment {
  /** The part's section number, for `/v1/received/{id}/parts/{path}`. */
  path: string;
  filename: string | null;
  contentType: string;
  disposition: string | null;
  contentId: string | null;
  /** Octets of the encoded part body (the decoded size is about 3/4 of it for base64). */
  encodedSize: number;
}

/** What the received-mail API and the `message.received` webhook show of a message. */
export interface ParsedReceivedMessage {
  from: ReceivedAddress[];
  to: ReceivedAddress[];
  cc: ReceivedAddress[];
  replyTo: ReceivedAddress[];
  subject: string | null;
  messageIdHeader: string | null;
  inReplyTo: string | null;
  date: string | null;
  /** The plain text body, cut at `htmlLimit` octets too (then `textTruncated`). */
  text: string | null;
  textTruncated: boolean;
  /** The HTML body, cut at `htmlLimit` octets (then `htmlTruncated`). */
  html: string | null;
  htmlTruncated: boolean;
  attachments: ReceivedAttachment[];
  /**
   * Sent by a program rather than a person: an empty envelope sender (RFC 5321 4.5.5),
   * `Auto-Submitted` other than `no` (RFC 3834 5), or a mailing list's `List-*` headers (RFC 2369, RFC 2919).
   */
  automated: boolean;
}

const DEFAULT_HTML_LIMIT = 1024 * 1024;

function addresses(value: AddressObject | AddressObject[] | undefined): ReceivedAddress[] {
  const list = value === undefined ? [] : Array.isArray(value) ? value : [value];
  const flat = list.flatMap((o) => o.value);
  const out: ReceivedAddress[] = [];
  const push = (entry: (typeof flat)[number]) => {
    if (entry.group) entry.group.forEach(push);
    else if (entry.address) out.push({ name: entry.name ?? '', address: entry.address });
  };
  flat.forEach(push);
  return out;
}

function cut(text: string, limit: number): { value: string; truncated: boolean } {
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length <= limit) return { value: text, truncated: false };
  // Cut on a character boundary: drop a trailing partial UTF-8 sequence.
  let end = limit;
  while (end > 0 && (bytes[end] & 0xc0) === 0x80) end--;
  return { value: bytes.subarray(0, end).toString('utf8'), truncated: true };
}

/** Parses a received message for display and webhooks. Never throws on malformed MIME. */
export async function parseReceivedMessage(
  raw: Buffer,
  options: { mailFrom?: string; htmlLimit?: number } = {},
): Promise<ParsedReceivedMessage> {
  const parsed = await simpleParser(raw, { skipImageLinks: true, skipTextToHtml: true, skipTextLinks: true });
  const autoLine = parsed.headerLines.find((h) => h.key === 'auto-submitted');
  const autoSubmitted = autoLine ? autoLine.line.slice(autoLine.line.indexOf(':') + 1) : null;
  // mailparser folds the List-* fields into one `list` entry; the header lines keep their names.
  const listHeader = parsed.headerLines.some((h) => h.key.startsWith('list-'));
  const limit = options.htmlLimit ?? DEFAULT_HTML_LIMIT;
  const html = typeof parsed.html === 'string' ? cut(parsed.html, limit) : null;
  const text = typeof parsed.text === 'string' ? cut(parsed.text, limit) : null;
  const tree: MimePart = mimeTree(raw);
  return {
    from: addresses(parsed.from),
    to: addresses(parsed.to),
    cc: addresses(parsed.cc),
    replyTo: addresses(parsed.replyTo),
    subject: parsed.subject ?? null,
    messageIdHeader: parsed.messageId ?? null,
    inReplyTo: parsed.inReplyTo ?? null,
    date: parsed.date ? parsed.date.toISOString() : null,
    text: text?.value ?? null,
    textTruncated: text?.truncated ?? false,
    html: html?.value ?? null,
    htmlTruncated: html?.truncated ?? false,
    attachments: leafParts(tree)
      .filter(isAttachment)
      .map((p) => ({
        path: p.path,
        filename: p.filename,
        contentType: p.contentType,
        disposition: p.disposition,
        contentId: p.contentId,
        encodedSize: p.encodedSize,
      })),
    automated: options.mailFrom === '' || (autoSubmitted !== null && autoSubmitted.trim().toLowerCase() !== 'no') || listHeader || false,
  };
}
