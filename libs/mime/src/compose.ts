import { randomBytes } from 'node:crypto';
import MailComposer from 'nodemailer/lib/mail-composer';
import { normalizeCrlf } from './crlf';
import { assertHeaderName, assertHeaderValue } from './header-checks';
import { MimeError } from './mime-error';

export interface MailAddress {
  address: string;
  name?: string;
}

export interface ComposeAttachment {
  filename: string;
  contentType?: string;
  content: Buffer;
  /** Without angle brackets; makes the part reachable as `cid:<contentId>` from the HTML. */
  contentId?: string;
  disposition: 'attachment' | 'inline';
}

export interface ComposeInput {
  from: MailAddress;
  to?: MailAddress[];
  cc?: MailAddress[];
  replyTo?: MailAddress[];
  subject?: string;
  text?: string;
  html?: string;
  headers?: [string, string][];
  attachments?: ComposeAttachment[];
  /** With angle brackets. */
  messageId: string;
  inReplyTo?: string;
  references?: string[];
  date?: Date;
  /** Adds `TLS-Required: No` (RFC 8689 5). */
  requireTlsNo?: boolean;
}

// Fields the composer writes itself. Letting extra headers set them would duplicate fields
// RFC 5322 3.6 allows once, break the MIME structure, or leak Bcc recipients.
const RESERVED_HEADERS = new Set([
  'from',
  'sender',
  'to',
  'cc',
  'bcc',
  'reply-to',
  'subject',
  'date',
  'message-id',
  'in-reply-to',
  'references',
  'mime-version',
  'content-type',
  'content-transfer-encoding',
  'dkim-signature',
  'tls-required',
]);

// RFC 5322 3.6.4: msg-id is "<" id-left "@" id-right ">", no whitespace or specials.
const MSG_ID = /^<[^<>@\s]+@[^<>@\s]+>$/;

/** Builds the RFC 5322 message for a send request; lines end in CRLF and Bcc never appears. */
export async function composeMessage(input: ComposeInput): Promise<Buffer> {
  checkInput(input);
  const headers = (input.headers ?? []).map(([key, value]) => ({ key, value }));
  if (input.requireTlsNo) headers.push({ key: 'TLS-Required', value: 'No' });
  const spelling = new Map(headers.map(({ key }) => [key.toLowerCase(), key]));

  const composer = new MailComposer({
    from: input.from,
    to: input.to,
    cc: input.cc,
    replyTo: input.replyTo,
    subject: input.subject,
    text: input.text,
    html: input.html,
    headers,
    attachments: (input.attachments ?? []).map((a) => ({
      filename: a.filename,
      contentType: a.contentType,
      content: a.content,
      cid: a.contentId,
      contentDisposition: a.disposition,
    })),
    messageId: input.messageId,
    inReplyTo: input.inReplyTo,
    references: input.references,
    date: input.date ?? new Date(),
    newline: 'win',
    // nodemailer rewrites field names to its own capitalisation (TLS-Required would become
    // Tls-Required); names are case-insensitive, but keep the spelling the caller and RFCs use.
    normalizeHeaderKey: (key) => spelling.get(key.toLowerCase()) ?? key,
    // Content comes from the API request only, never from the server's files or the network.
    disableFileAccess: true,
    disableUrlAccess: true,
  });
  return normalizeCrlf(await composer.compile().build());
}

/** A fresh Message-ID for `domain`, with angle brackets (RFC 5322 3.6.4). */
export function generateMessageId(domain: string): string {
  const id = `<${randomBytes(18).toString('base64url')}@${domain}>`;
  if (!MSG_ID.test(id)) throw new MimeError(`invalid Message-ID domain ${JSON.stringify(domain)}`);
  return id;
}

function checkInput(input: ComposeInput): void {
  const addresses: [string, MailAddress[] | undefined][] = [
    ['From', [input.from]],
    ['To', input.to],
    ['Cc', input.cc],
    ['Reply-To', input.replyTo],
  ];
  for (const [field, list] of addresses) {
    for (const { address, name } of list ?? []) {
      assertHeaderValue(`${field} address`, address);
      if (!address.includes('@')) throw new MimeError(`${field} address ${JSON.stringify(address)} has no domain`);
      if (name !== undefined) assertHeaderValue(`${field} name`, name);
    }
  }
  if (input.subject !== undefined) assertHeaderValue('Subject', input.subject);
  for (const id of [input.messageId, input.inReplyTo, ...(input.references ?? [])]) {
    if (id !== undefined && !MSG_ID.test(id)) throw new MimeError(`invalid message id ${JSON.stringify(id)}`);
  }
  for (const [name, value] of input.headers ?? []) {
    assertHeaderName(name);
    assertHeaderValue(`header ${name}`, value);
    if (RESERVED_HEADERS.has(name.toLowerCase())) {
      throw new MimeError(`header ${name} is set by the composer and cannot be given as an extra header`);
    }
  }
  for (const attachment of input.attachments ?? []) {
    assertHeaderValue('attachment filename', attachment.filename);
    if (attachment.contentType !== undefined) assertHeaderValue('attachment content type', attachment.contentType);
    if (attachment.contentId !== undefined) assertHeaderValue('attachment content id', attachment.contentId);
  }
}
