import { AddressObject, ParsedMail, simpleParser } from 'mailparser';

export type BounceKind = 'dsn' | 'complaint' | 'autoreply' | 'other';

export interface BounceRecipient {
  address: string;
  /** RFC 3464 2.3.3: failed, delayed, delivered, relayed, expanded. */
  action: 'failed' | 'delayed' | 'delivered' | 'relayed' | 'expanded';
  /** RFC 3463 status, e.g. 5.1.1; null when the bounce gave none. */
  status: string | null;
  smtpCode: number | null;
  diagnostic: string | null;
  /** A permanent failure (5.x.x / 5xx), as opposed to a temporary one. */
  hard: boolean;
}

export interface ParsedBounce {
  kind: BounceKind;
  recipients: BounceRecipient[];
  /** Message-ID of the original message, when the report carries its headers. */
  originalMessageId: string | null;
}

const ENHANCED = /\b([245])\.(\d{1,3})\.(\d{1,3})\b/;
const SMTP_CODE = /(?:^|[\s:(])([245]\d\d)(?=[\s-])/;
const ADDRESS = /<?([A-Za-z0-9._%+=!#$&'*/?^`{|}~-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,})>?/g;
const ACTIONS = new Set(['failed', 'delayed', 'delivered', 'relayed', 'expanded']);

/** A header's text whether mailparser gave it as a string or as a structured value. */
function headerText(mail: ParsedMail, name: string): string {
  const value = mail.headers.get(name);
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object' && 'value' in value && typeof value.value === 'string') return value.value;
  return '';
}

/** RFC 3464 2.1: blocks of `Name: value` fields separated by empty lines; continuation lines folded. */
function fieldBlocks(text: string): Map<string, string>[] {
  return text
    .replace(/\r\n/g, '\n')
    .split(/\n\s*\n/)
    .map((block) => {
      const fields = new Map<string, string>();
      let last = '';
      for (const line of block.split('\n')) {
        if (/^\s/.test(line) && last) fields.set(last, `${fields.get(last)} ${line.trim()}`);
        else {
          const m = /^([A-Za-z0-9-]+):\s*(.*)$/.exec(line);
          if (m) fields.set((last = m[1].toLowerCase()), m[2].trim());
        }
      }
      return fields;
    })
    .filter((f) => f.size > 0);
}

/** `rfc822; user@example.com` → `user@example.com`. */
function typedAddress(value: string | undefined): string | null {
  if (!value) return null;
  const bare = value.includes(';') ? value.slice(value.indexOf(';') + 1) : value;
  const address = bare.trim().replace(/^<|>$/g, '');
  return address.includes('@') ? address : null;
}

function codeOf(text: string | null): number | null {
  const m = text ? SMTP_CODE.exec(text) : null;
  return m ? Number(m[1]) : null;
}

function statusOf(text: string | null): string | null {
  const m = text ? ENHANCED.exec(text) : null;
  return m ? `${m[1]}.${m[2]}.${m[3]}` : null;
}

function isHard(status: string | null, code: number | null, action: string): boolean {
  if (status) return status.startsWith('5');
  if (code !== null) return code >= 500;
  return action === 'failed';
}

/** RFC 3464 delivery-status fields → recipients. */
function fromDeliveryStatus(text: string): BounceRecipient[] {
  return fieldBlocks(text)
    .filter((f) => f.has('final-recipient') || f.has('original-recipient'))
    .flatMap((f) => {
      const address = typedAddress(f.get('final-recipient')) ?? typedAddress(f.get('original-recipient'));
      if (!address) return [];
      const rawAction = (f.get('action') ?? 'failed').toLowerCase().split(/[\s(]/)[0];
      const action = (ACTIONS.has(rawAction) ? rawAction : 'failed') as BounceRecipient['action'];
      const diagnostic = f.get('diagnostic-code')?.replace(/^smtp;\s*/i, '') ?? null;
      const status = statusOf(f.get('status') ?? null) ?? statusOf(diagnostic);
      const smtpCode = codeOf(diagnostic);
      return [{ address, action, status, smtpCode, diagnostic, hard: action === 'failed' && isHard(status, smtpCode, action) }];
    });
}

function addressesOf(field: AddressObject | AddressObject[] | undefined): string[] {
  const list = Array.isArray(field) ? field : field ? [field] : [];
  return list.flatMap((a) => a.value.map((v) => (v.address ?? '').toLowerCase())).filter(Boolean);
}

/** Where the returned copy of the original starts in a text bounce. */
const ORIGINAL_MARKERS = [
  /^-+ ?Below this line is a copy of the message/im,
  /^-+ ?This is a copy of the message/im,
  /^-+ ?Original message follows/im,
  /^-+ ?Original message/im,
  /^-+ ?The header of the original message/im,
  /^-+ ?Returned message/im,
  /^Return-Path: /im,
  /^Received: /im,
];

const BOUNCE_SUBJECT =
  /undeliver|delivery (status notification|failure|failed|problem|report)|returned mail|failure notice|mail delivery (failed|system|subsystem)|could not be delivered|delivery has failed|non.?delivery|nondeliverable|rejected|mail system error|warning: could not send/i;
const AUTOREPLY_SUBJECT =
  /^(auto(matic)? ?(reply|response|antwort)|out of (the )?office|abwesenheit|vacation|away from|absence|r[ée]ponse automatique)/i;

/**
 * Human-readable bounces (qmail, older Exim, providers): recipients are the addresses named
 * before the returned copy of the original, each with the codes that follow it.
 */
function fromText(text: string, exclude: Set<string>): BounceRecipient[] {
  let cut = text.length;
  for (const marker of ORIGINAL_MARKERS) {
    const m = marker.exec(text);
    if (m && m.index > 0 && m.index < cut) cut = m.index;
  }
  const body = text.slice(0, cut);
  const found: { address: string; index: number }[] = [];
  for (const m of body.matchAll(ADDRESS)) {
    const address = m[1].toLowerCase().replace(/\.$/, '');
    if (exclude.has(address) || /^(mailer-daemon|postmaster)@/i.test(address)) continue;
    if (!found.some((f) => f.address === address)) found.push({ address, index: m.index });
  }
  const permanent = /permanent|not be delivered|failed permanently|does not exist|unknown user|user unknown|no such/i.test(body);
  return found.map((f, i) => {
    const until = found[i + 1]?.index ?? body.length;
    const context = body.slice(f.index, Math.max(until, f.index + 400));
    const status = statusOf(context) ?? statusOf(body);
    const smtpCode = codeOf(context) ?? codeOf(body);
    const hard = status ? status.startsWith('5') : smtpCode !== null ? smtpCode >= 500 : permanent;
    const diagnostic = context.split('\n').slice(1).join(' ').replace(/\s+/g, ' ').trim().slice(0, 500) || null;
    return { address: f.address, action: 'failed' as const, status, smtpCode, diagnostic, hard };
  });
}

/**
 * What a message returned to us is: a DSN (RFC 3464, or a human-readable bounce from a
 * system that sends those), a complaint (ARF, RFC 5965), an automatic reply (RFC 3834) or
 * something else. Never throws on malformed input: it answers `other`.
 */
export async function parseBounce(raw: Buffer): Promise<ParsedBounce> {
  let mail: ParsedMail;
  try {
    mail = await simpleParser(raw, { skipHtmlToText: false, skipTextLinks: true, skipImageLinks: true });
  } catch {
    return { kind: 'other', recipients: [], originalMessageId: null };
  }
  const contentType = String(
    (mail.headers.get('content-type') &&
      (mail.headers.get('content-type') as { value?: string; params?: Record<string, string> }).params?.['report-type']) ||
      '',
  ).toLowerCase();
  const parts = mail.attachments.map((a) => ({ type: a.contentType.toLowerCase(), text: a.content.toString('utf8') }));
  // mailparser inlines message/rfc822 parts, so the returned original is read from the raw text.
  const rawText = raw.toString('latin1');
  const originalAt = rawText.search(/^Content-Type:\s*(message\/rfc822|text\/rfc822-headers|message\/rfc822-headers)/im);
  const original = originalAt >= 0 ? rawText.slice(originalAt) : null;
  const originalMessageId = original ? (/^Message-ID:\s*(<[^>]+>)/im.exec(original)?.[1] ?? null) : null;

  const feedback = parts.find((p) => p.type === 'message/feedback-report');
  const subject = mail.subject ?? '';
  const complaintSubject = /complaint|abuse report|feedback report|spam report/i.test(subject) && original !== null;
  if (feedback || contentType === 'feedback-report' || complaintSubject) {
    const fields = fieldBlocks(feedback?.text ?? '')[0] ?? new Map<string, string>();
    const address =
      typedAddress(fields.get('original-rcpt-to')) ??
      typedAddress(fields.get('removal-recipient')) ??
      (original ? (/^To:.*?([^\s<>"]+@[^\s<>"]+)/im.exec(original)?.[1] ?? null) : null);
    const recipients = address
      ? [
          {
            address,
            action: 'failed' as const,
            status: null,
            smtpCode: null,
            diagnostic: fields.get('feedback-type') ?? 'abuse',
            hard: true,
          },
        ]
      : [];
    return { kind: 'complaint', recipients, originalMessageId };
  }

  const status = parts.find((p) => p.type === 'message/delivery-status' || p.type === 'message/global-delivery-status');
  if (status) {
    const recipients = fromDeliveryStatus(status.text);
    if (recipients.length > 0) return { kind: 'dsn', recipients, originalMessageId };
  }
  if (/^Final-Recipient:/im.test(rawText)) {
    // Delivery-status fields outside a proper MIME part (broken boundaries, or pasted in the text).
    const recipients = fromDeliveryStatus(rawText.slice(rawText.search(/^(Reporting-MTA|Final-Recipient):/im)));
    if (recipients.length > 0) return { kind: 'dsn', recipients, originalMessageId };
  }

  const from = addressesOf(mail.from);
  const autoSubmitted = headerText(mail, 'auto-submitted').toLowerCase();
  const fromDaemon = from.some((a) => /^(mailer-daemon|postmaster|mail-daemon|mailer|mdaemon|daemon|bounce|bounces|nobody)@/i.test(a));
  const text = mail.text ?? '';
  if (status || contentType === 'delivery-status' || fromDaemon || BOUNCE_SUBJECT.test(subject)) {
    const exclude = new Set([...from, ...addressesOf(mail.to)]);
    const recipients = fromText(text, exclude);
    if (recipients.length > 0) return { kind: 'dsn', recipients, originalMessageId };
  }
  if (
    autoSubmitted.startsWith('auto-replied') ||
    mail.headers.has('x-autoreply') ||
    /auto_reply|autoreply/i.test(headerText(mail, 'precedence')) ||
    AUTOREPLY_SUBJECT.test(subject)
  ) {
    return { kind: 'autoreply', recipients: [], originalMessageId };
  }
  return { kind: 'other', recipients: [], originalMessageId };
}
