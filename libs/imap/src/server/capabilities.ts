/** RFC 9051 7.2.2 and the extensions the server implements (issue 6). */
const ALWAYS = ['IMAP4rev2', 'IMAP4rev1', 'SASL-IR', 'LITERAL+', 'ENABLE', 'ID', 'IDLE'];
const AFTER_LOGIN = [
  'NAMESPACE',
  'UNSELECT',
  'UIDPLUS',
  'ESEARCH',
  'SEARCHRES',
  'MOVE',
  'UTF8=ACCEPT',
  'LIST-EXTENDED',
  'LIST-STATUS',
  'SPECIAL-USE',
  'CREATE-SPECIAL-USE',
  'CONDSTORE',
  'QRESYNC',
  'STATUS=SIZE',
  'QUOTA',
  'QUOTA=RES-STORAGE',
  'MULTIAPPEND',
  'BINARY',
];

export function capabilities(input: {
  secure: boolean;
  tlsAvailable: boolean;
  authenticated: boolean;
  mechanisms: string[];
  appendLimit: number;
}): string[] {
  const caps = [...ALWAYS];
  if (input.authenticated) return [...caps, ...AFTER_LOGIN, `APPENDLIMIT=${input.appendLimit}`];
  if (!input.secure) {
    // RFC 9051 6.2.3 / 11.1: no cleartext passwords before TLS.
    if (input.tlsAvailable) caps.push('STARTTLS');
    caps.push('LOGINDISABLED');
  }
  return [...caps, ...input.mechanisms.map((m) => `AUTH=${m}`)];
}
