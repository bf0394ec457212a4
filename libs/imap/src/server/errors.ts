/** A command's refusal: tagged NO (or BAD) with an optional response code (RFC 5530). */
export class ImapCommandError extends Error {
  constructor(
    readonly status: 'NO' | 'BAD',
    readonly code: string | null,
    text: string,
  ) {
    super(text);
    this.name = 'ImapCommandError';
  }
}

export const no = (code: string | null, text: string): ImapCommandError => new ImapCommandError('NO', code, text);
export const bad = (text: string): ImapCommandError => new ImapCommandError('BAD', null, text);

/** Store errors carry a stable code (libs/errors DomainError); map the ones a client can act on. */
export function fromStoreError(err: unknown): ImapCommandError | null {
  if (err instanceof ImapCommandError) return err;
  const code = typeof err === 'object' && err !== null && 'code' in err ? String(err.code) : '';
  const text = err instanceof Error ? err.message : 'failed';
  switch (code) {
    case 'mailbox_exists':
      return no('ALREADYEXISTS', text);
    case 'quota_exceeded':
      return no('OVERQUOTA', text);
    case 'not_found':
    case 'mailbox_not_found':
      return no('NONEXISTENT', text);
    case 'mailbox_protected':
    case 'validation_failed':
    case 'invalid_mailbox_name':
      return no('CANNOT', text);
    case 'message_too_large':
      return no('TOOBIG', text);
    case 'forbidden':
      return no('NOPERM', text);
    default:
      return null;
  }
}
