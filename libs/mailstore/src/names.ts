import { DomainError, ErrorCode } from '@postern/errors';
import { HIERARCHY_SEPARATOR } from './types';

/**
 * A mailbox name as stored: `INBOX` (any case, RFC 9051 5.1) and its children are spelled
 * `INBOX`; names are NFC-normalised UTF-8. Refuses empty levels, the list wildcards `*` and
 * `%` (RFC 9051 5.1: they would make LIST ambiguous), and control characters.
 */
export function normalizeMailboxName(name: string): string {
  let n = name.normalize('NFC');
  if (n.endsWith(HIERARCHY_SEPARATOR)) n = n.slice(0, -1);
  const levels = n.split(HIERARCHY_SEPARATOR);
  if (levels[0].toUpperCase() === 'INBOX') levels[0] = 'INBOX';
  if (n.length === 0 || n.length > 1000 || levels.some((l) => l.length === 0)) {
    throw new DomainError(ErrorCode.InvalidMailboxName, `'${name}' is not a valid mailbox name`);
  }
  // eslint-disable-next-line no-control-regex
  if (/[*%\u0000-\u001f\u007f]/.test(n)) {
    throw new DomainError(ErrorCode.InvalidMailboxName, `mailbox names may not contain '*', '%' or control characters`);
  }
  return levels.join(HIERARCHY_SEPARATOR);
}

export function isInbox(name: string): boolean {
  return name.toUpperCase() === 'INBOX';
}
