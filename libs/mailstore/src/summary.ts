import { simpleParser } from 'mailparser';

/** What the store keeps beside a message's bytes: listing fields and lower-cased search text. */
export interface MessageSummary {
  subject: string | null;
  from: string | null;
  messageIdHeader: string | null;
  searchHeaders: string;
  searchBody: string;
}

/** Search text is capped: enough for any real search, bounded for huge messages. */
const MAX_SEARCH_TEXT = 1_000_000;

/**
 * Decodes headers (encoded words, RFC 2047) and text parts (charset and transfer encoding)
 * once, at store time, so SEARCH runs in SQL instead of parsing every message per query.
 * Broken MIME never fails a store: mailparser degrades, and if even that throws the raw
 * bytes are searched as Latin-1.
 */
export async function summarizeMessage(raw: Buffer): Promise<MessageSummary> {
  try {
    const parsed = await simpleParser(raw, { skipImageLinks: true, skipTextToHtml: true, skipTextLinks: true });
    const headerLines = parsed.headerLines.map((h) => {
      const value = parsed.headers.get(h.key);
      return `${h.key}: ${typeof value === 'string' ? value : h.line.slice(h.line.indexOf(':') + 1).trim()}`;
    });
    const from = parsed.from?.value[0]?.address ?? null;
    const body = [parsed.text ?? '', ...(parsed.html && !parsed.text ? [parsed.html.replace(/<[^>]*>/g, ' ')] : [])].join('\n');
    return {
      subject: parsed.subject ?? null,
      from,
      messageIdHeader: parsed.messageId ?? null,
      searchHeaders: clip(headerLines.join('\n').toLowerCase()),
      searchBody: clip(body.toLowerCase()),
    };
  } catch {
    const text = raw.toString('latin1');
    const split = text.indexOf('\r\n\r\n');
    return {
      subject: null,
      from: null,
      messageIdHeader: null,
      searchHeaders: clip((split < 0 ? text : text.slice(0, split)).toLowerCase()),
      searchBody: clip((split < 0 ? '' : text.slice(split + 4)).toLowerCase()),
    };
  }
}

function clip(s: string): string {
  // PostgreSQL text cannot hold NUL.
  const clean = s.replaceAll('\u0000', '');
  return clean.length > MAX_SEARCH_TEXT ? clean.slice(0, MAX_SEARCH_TEXT) : clean;
}
