// Mailboxes, messages, flags, modseq and change notification: the store SMTP delivery, IMAP and the API share.
export * from './types';
export * from './flags';
export { normalizeMailboxName, isInbox } from './names';
export { MailboxNotifier } from './notifier';
export { MailStore } from './mail-store';
export { MailstoreModule } from './mailstore.module';
