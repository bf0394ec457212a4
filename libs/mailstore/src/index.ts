// Mailboxes, messages, flags, modseq and change notification: the store SMTP delivery, IMAP and the API share.
export {};
