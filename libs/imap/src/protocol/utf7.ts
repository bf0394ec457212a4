/**
 * Modified UTF-7 for mailbox names (RFC 3501 5.1.3): printable US-ASCII stands for itself
 * except `&`, written `&-`; anything else is `&` + modified base64 of UTF-16BE (`,` for `/`,
 * no padding) + `-`. Clients that enabled UTF8=ACCEPT (RFC 6855 3) get UTF-8 instead.
 */

const isDirect = (code: number): boolean => code >= 0x20 && code <= 0x7e;

export function encodeMailboxUtf7(name: string): string {
  let out = '';
  let pending: number[] = [];
  const flush = (): void => {
    if (pending.length === 0) return;
    const bytes = Buffer.alloc(pending.length * 2);
    pending.forEach((unit, i) => bytes.writeUInt16BE(unit, i * 2));
    out += '&' + bytes.toString('base64').replace(/=+$/, '').replace(/\//g, ',') + '-';
    pending = [];
  };
  for (let i = 0; i < name.length; i++) {
    const code = name.charCodeAt(i);
    if (isDirect(code)) {
      flush();
      out += code === 0x26 ? '&-' : name[i];
    } else {
      pending.push(code);
    }
  }
  flush();
  return out;
}

/** Decodes a modified UTF-7 name; null when it is not valid modified UTF-7. */
export function decodeMailboxUtf7(name: string): string | null {
  let out = '';
  for (let i = 0; i < name.length; i++) {
    const ch = name[i];
    const code = name.charCodeAt(i);
    if (!isDirect(code)) return null;
    if (ch !== '&') {
      out += ch;
      continue;
    }
    const end = name.indexOf('-', i + 1);
    if (end < 0) return null;
    const encoded = name.slice(i + 1, end);
    i = end;
    if (encoded === '') {
      out += '&';
      continue;
    }
    if (!/^[A-Za-z0-9+,]+$/.test(encoded)) return null;
    const bytes = Buffer.from(encoded.replace(/,/g, '/'), 'base64');
    // RFC 3501 5.1.3: the base64 must encode whole UTF-16 units, and must not encode what
    // could have been written directly.
    if (bytes.length % 2 !== 0 || bytes.length === 0) return null;
    if (Math.floor((encoded.length * 6) / 8) !== bytes.length) return null;
    let decoded = '';
    for (let j = 0; j < bytes.length; j += 2) {
      const unit = bytes.readUInt16BE(j);
      if (isDirect(unit)) return null;
      decoded += String.fromCharCode(unit);
    }
    if (/\p{Cs}/u.test(decoded)) return null; // lone surrogates
    out += decoded;
  }
  return out;
}
