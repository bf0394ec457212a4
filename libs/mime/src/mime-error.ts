/** Input that cannot become (or is not) a well-formed message. */
export class MimeError extends Error {
  override readonly name = 'MimeError';
}
