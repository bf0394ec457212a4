const CR = 0x0d;
const LF = 0x0a;

/**
 * Rewrites bare LF and bare CR as CRLF (RFC 5322 2.1: lines end in CRLF, CR and LF never
 * appear alone). Returns the input itself when it is already normal, so the common case
 * copies nothing.
 */
export function normalizeCrlf(data: Buffer): Buffer {
  let extra = 0;
  for (let i = 0; i < data.length; i++) {
    const byte = data[i];
    if (byte === CR) {
      if (data[i + 1] === LF) i++;
      else extra++;
    } else if (byte === LF) {
      extra++;
    }
  }
  if (extra === 0) return data;

  const out = Buffer.allocUnsafe(data.length + extra);
  let o = 0;
  for (let i = 0; i < data.length; i++) {
    const byte = data[i];
    if (byte === CR || byte === LF) {
      out[o++] = CR;
      out[o++] = LF;
      if (byte === CR && data[i + 1] === LF) i++;
    } else {
      out[o++] = byte;
    }
  }
  return out;
}
