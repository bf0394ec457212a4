/**
 * SMTP smuggling (SEC Consult, December 2023): a sender ends DATA with a sequence that one
 * server takes for `<CRLF>.<CRLF>` and the next does not, so the rest of the "message"
 * becomes commands, e.g. a second message with a forged sender. smtp-server only ends DATA
 * at `<CRLF>.<CRLF>` (RFC 5321 4.1.1.4), so such sequences arrive here inside the message;
 * refusing the message keeps them from reaching another server when it is relayed.
 *
 * Returns what was found, or null. `message` is dot-unstuffed, without the final `.`.
 */
export function findSmuggling(message: Buffer): string | null {
  // RFC 5321 2.3.8: CR and LF only as the CRLF pair; a bare CR is how `<CR>.<CR>` hides.
  for (let i = message.indexOf(0x0d); i >= 0; i = message.indexOf(0x0d, i + 1)) {
    if (message[i + 1] !== 0x0a) return 'a bare CR';
  }
  // A dot alone on a line whose line end, before or after, is a bare LF.
  for (let i = message.indexOf('\n.'); i >= 0; i = message.indexOf('\n.', i + 1)) {
    const bareBefore = message[i - 1] !== 0x0d;
    const after = message[i + 2];
    const bareAfter = after === 0x0a;
    const crlfAfter = after === 0x0d && message[i + 3] === 0x0a;
    if (bareAfter && bareBefore) return '<LF>.<LF>';
    if (bareAfter) return '<CRLF>.<LF>';
    if (crlfAfter && bareBefore) return '<LF>.<CRLF>';
  }
  return null;
}
