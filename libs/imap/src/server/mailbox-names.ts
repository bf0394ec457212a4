import { decodeMailboxUtf7, encodeMailboxUtf7 } from '../protocol/utf7';
import { no } from './errors';

export const SEPARATOR = '/';

/**
 * A mailbox name from the client: UTF-8 when it enabled UTF8=ACCEPT (RFC 6855 3), else
 * modified UTF-7 (RFC 3501 5.1.3). Names are stored as UTF-8, NFC.
 */
export function decodeName(raw: string, utf8: boolean): string {
  if (raw.toUpperCase() === 'INBOX') return 'INBOX';
  let name: string | null = raw;
  if (!utf8 || /^[\x20-\x7e]*$/.test(raw)) name = decodeMailboxUtf7(raw);
  if (name === null) {
    if (!utf8) throw no('CANNOT', 'mailbox name is not valid modified UTF-7');
    name = raw;
  }
  // RFC 9051 5.1: INBOX/ children keep the INBOX spelling.
  if (/^inbox\//i.test(name)) name = 'INBOX' + name.slice(5);
  return name.normalize('NFC');
}

export function encodeName(name: string, utf8: boolean): string {
  return utf8 ? name : encodeMailboxUtf7(name);
}

export function checkNewName(name: string): void {
  if (name === '' || name.startsWith(SEPARATOR) || name.endsWith(SEPARATOR) || name.includes('//')) {
    throw no('CANNOT', 'mailbox name is empty or has an empty hierarchy level');
  }
  // eslint-disable-next-line no-control-regex
  if (/[\x00-\x1f\x7f*%]/.test(name)) throw no('CANNOT', 'mailbox name has a control character or a wildcard');
}

/** RFC 9051 6.3.9: `*` matches anything, `%` anything but the separator; INBOX matches case-insensitively. */
export function listMatcher(reference: string, pattern: string): (name: string) => boolean {
  let full = pattern;
  if (reference !== '' && !pattern.startsWith(SEPARATOR))
    full = reference.endsWith(SEPARATOR) ? reference + pattern : reference + SEPARATOR + pattern;
  const source = full
    .split('')
    .map((ch) => (ch === '*' ? '.*' : ch === '%' ? '[^/]*' : ch.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('');
  const regex = new RegExp(`^${source}$`, 'su');
  const inbox = new RegExp(`^${source}$`, 'isu');
  return (name) => regex.test(name) || ((name === 'INBOX' || name.startsWith('INBOX/')) && inbox.test(name));
}
