// IMAP4rev2/IMAP4rev1 protocol code (framework-free): parser, encoder, command handlers.
export * from './protocol';
export * from './server';
