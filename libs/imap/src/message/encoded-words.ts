// RFC 2047 2: =?charset?encoding?text?= ; whitespace between two adjacent encoded words is
// not displayed (RFC 2047 6.2).
const ENCODED_WORD = /=\?([^?\s]+)\?([bBqQ])\?([^?\s]*)\?=/g;
const BETWEEN_WORDS = /(=\?[^?\s]+\?[bBqQ]\?[^?\s]*\?=)\s+(?==\?[^?\s]+\?[bBqQ]\?[^?\s]*\?=)/g;

function wordBytes(encoding: string, text: string): Buffer {
  if (encoding.toUpperCase() === 'B') return Buffer.from(text, 'base64');
  // RFC 2047 4.2: "_" is a space, =XX an octet.
  return Buffer.from(
    text.replace(/_/g, ' ').replace(/=([0-9A-Fa-f]{2})/g, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16))),
    'latin1',
  );
}

/** Decodes the encoded words in a header value; a word that cannot be decoded stays as it is. */
export function decodeEncodedWords(value: string): string {
  if (!value.includes('=?')) return value;
  return value.replace(BETWEEN_WORDS, '$1').replace(ENCODED_WORD, (word, charset: string, encoding: string, text: string) => {
    try {
      // RFC 2231 5: a language may follow the charset after "*".
      return new TextDecoder(charset.split('*')[0]).decode(wordBytes(encoding, text));
    } catch {
      return word;
    }
  });
}
