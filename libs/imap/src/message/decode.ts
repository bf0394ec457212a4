/** RFC 2045 6.8: base64 content; characters outside the alphabet are ignored. */
export function decodeBase64(bytes: Buffer): Buffer {
  return Buffer.from(bytes.toString('latin1').replace(/[^A-Za-z0-9+/]/g, ''), 'base64');
}

const hex = (c: number): number =>
  c >= 0x30 && c <= 0x39 ? c - 0x30 : c >= 0x41 && c <= 0x46 ? c - 0x37 : c >= 0x61 && c <= 0x66 ? c - 0x57 : -1;

/**
 * RFC 2045 6.7: quoted-printable. `=XX` is an octet (lower-case hex accepted), `=` at a
 * line end is a soft line break, whitespace at a line end is transport padding and goes;
 * a `=` that starts neither is kept as it is, as robust decoders do.
 */
export function decodeQuotedPrintable(bytes: Buffer): Buffer {
  const out = Buffer.alloc(bytes.length);
  let n = 0;
  let i = 0;
  while (i < bytes.length) {
    const c = bytes[i];
    if (c === 0x3d) {
      // Soft line break: "=" then optional whitespace then CRLF or LF (or end of data).
      let j = i + 1;
      while (j < bytes.length && (bytes[j] === 0x20 || bytes[j] === 0x09)) j++;
      if (j === bytes.length || bytes[j] === 0x0a || (bytes[j] === 0x0d && bytes[j + 1] === 0x0a)) {
        i = j === bytes.length ? j : bytes[j] === 0x0a ? j + 1 : j + 2;
        continue;
      }
      const hi = i + 1 < bytes.length ? hex(bytes[i + 1]) : -1;
      const lo = i + 2 < bytes.length ? hex(bytes[i + 2]) : -1;
      if (hi >= 0 && lo >= 0) {
        out[n++] = hi * 16 + lo;
        i += 3;
        continue;
      }
      out[n++] = c;
      i++;
      continue;
    }
    if (c === 0x20 || c === 0x09) {
      // Whitespace before a line end (or the end) is padding (RFC 2045 6.7 rule 3).
      let j = i;
      while (j < bytes.length && (bytes[j] === 0x20 || bytes[j] === 0x09)) j++;
      if (j === bytes.length || bytes[j] === 0x0a || (bytes[j] === 0x0d && bytes[j + 1] === 0x0a)) {
        i = j;
        continue;
      }
      bytes.copy(out, n, i, j);
      n += j - i;
      i = j;
      continue;
    }
    out[n++] = c;
    i++;
  }
  return out.subarray(0, n);
}

/** Decodes by Content-Transfer-Encoding (lower case); null for an encoding not known. */
export function decodeTransfer(bytes: Buffer, encoding: string | null): Buffer | null {
  switch (encoding ?? '7bit') {
    case '7bit':
    case '8bit':
    case 'binary':
      return bytes;
    case 'base64':
      return decodeBase64(bytes);
    case 'quoted-printable':
      return decodeQuotedPrintable(bytes);
    default:
      return null;
  }
}

/** Text in `charset`; UTF-8 (lenient) when the charset is unknown or absent. */
export function decodeCharset(bytes: Buffer, charset: string | null): string {
  const label = (charset ?? 'utf-8').trim().toLowerCase();
  try {
    return new TextDecoder(label === 'us-ascii' ? 'utf-8' : label).decode(bytes);
  } catch {
    return bytes.toString('utf8');
  }
}
