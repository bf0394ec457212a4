import { SmtpReplyError, type SmtpSessionHooks } from '@postern/smtp';

/**
 * Injection token of the MX's hooks (recipients, storing inbound mail). The inbound service
 * binds itself here; until then every recipient is unknown.
 */
export const MX_HOOKS = Symbol('MX_HOOKS');

/** The MX before inbound delivery exists: no recipient is local (RFC 5321 3.3: 550 for an unknown mailbox). */
export const REFUSE_ALL_RECIPIENTS: SmtpSessionHooks = {
  checkRecipient: (_session, address) => Promise.reject(new SmtpReplyError(550, '5.1.1', `<${address}>: no such mailbox here`)),
  onMessage: () => Promise.reject(new SmtpReplyError(554, '5.5.1', 'no valid recipients')),
};
