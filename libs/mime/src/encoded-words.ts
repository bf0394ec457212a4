// RFC 2047 4: =?charset?encoding?text?= ; adjacent encoded words separated only by
// whitespace are joined without it (RFC 2047 6.2).
const ENCODED_WORD = /=\?([^?\s]+)\?([bBqQ])\?([^?\s]*)\?=/g;
const BETWEEN_WORDS = /(=\?[^?\s]+\?[bBqQ]\?[^?\s]*\?=)\s+(?==\?[^?\s]+\?[bBqQ]\?[^?\s]*\?=)/g;

/** Decodes the RFC 2047 encoded words in a header value; undecodable words stay as they are. */
export function decodeEncodedWords(value: string): string {
  return value.replace(BETWEEN_WORDS, '$1').replace(ENCODED_WORD, (word, charset: string, encoding: string, text: string) => {
    try {
      const bytes =
        encoding.toUpperCase() === 'B'
          ? Buffer.from(text, 'base64')
          : Buffer.from(
              text.replace(/_/g, ' ').replace(/=([0-9A-Fa-f]{2})/g, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16))),
              'latin1',
            );
      // RFC 2231 5: a language tag may follow the charset after '*'.
      return new TextDecoder(charset.split('*')[0], { fatal: true }).decode(bytes);
    } catch {
      return word;
    }
  });
}
