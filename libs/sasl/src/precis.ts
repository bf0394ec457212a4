/**
 * PRECIS string preparation for passwords and address localparts.
 *
 * Passwords use the OpaqueString profile of RFC 8265 section 4.2, which replaces SASLprep
 * (RFC 4013). Both sides of every SASL mechanism must feed the same bytes into their key
 * derivation, so every secret in this library is derived from the output of
 * `normalizePassword`, never from the raw input.
 */

/** Why a password was rejected; lets callers map the failure to a specific API error. */
export type InvalidPasswordReason = 'empty' | 'control-character' | 'surrogate';

const MESSAGES: Record<InvalidPasswordReason, string> = {
  empty: 'password must not be empty',
  'control-character': 'password contains a control character',
  surrogate: 'password contains an unpaired UTF-16 surrogate',
};

/**
 * Thrown when a password cannot be prepared with the OpaqueString profile. The message never
 * includes the password or the offending code point, so it is safe to log.
 */
export class InvalidPasswordError extends Error {
  readonly reason: InvalidPasswordReason;

  constructor(reason: InvalidPasswordReason) {
    super(MESSAGES[reason]);
    this.name = 'InvalidPasswordError';
    this.reason = reason;
  }
}

// Unicode general category Zs. It includes U+0020 itself, which is harmlessly mapped to itself.
const SPACE_SEPARATOR = /\p{Zs}/gu;
const CONTROL = /\p{Cc}/u;
// With the `u` flag only unpaired surrogates are matched; well-formed pairs are one code point.
const LONE_SURROGATE = /\p{Cs}/u;

/**
 * Applies the PRECIS OpaqueString profile (RFC 8265 section 4.2) and returns the string to be
 * encoded as UTF-8 for key derivation.
 *
 * Enforcement rules, in the order of RFC 8265 section 4.2.2:
 *   1. Width mapping: none (fullwidth and halfwidth code points are kept as they are).
 *   2. Additional mapping: every non-ASCII space (general category Zs) becomes U+0020.
 *   3. Case mapping: none (passwords stay case-sensitive).
 *   4. Normalisation: NFC.
 *   5. Directionality: none.
 *
 * After that the result must belong to the FreeformClass (RFC 8265 section 4.2.1, defined in
 * RFC 8264 section 4.3). This implementation rejects the disallowed code points that matter in
 * practice: control characters (RFC 8264 section 4.3.3, "Controls", section 9.12) and unpaired
 * surrogates, which are not Unicode scalar values and cannot be encoded as UTF-8 (RFC 8264
 * section 9.5 puts them in the disallowed "Surrogates" category). The check for unassigned code
 * points (RFC 8264 section 4.3.4) is deliberately not done, because the answer would change with
 * the ICU version bundled with Node.
 *
 * Finally the result must not be empty (RFC 7613 section 4.2: "A password MUST NOT be zero bytes
 * in length", carried over into RFC 8264/8265, enforced after mapping and normalisation).
 *
 * @throws InvalidPasswordError if the password is empty or contains a disallowed code point.
 */
export function normalizePassword(password: string): string {
  if (LONE_SURROGATE.test(password)) {
    throw new InvalidPasswordError('surrogate');
  }
  const normalized = password.replace(SPACE_SEPARATOR, ' ').normalize('NFC');
  if (normalized.length === 0) {
    throw new InvalidPasswordError('empty');
  }
  if (CONTROL.test(normalized)) {
    throw new InvalidPasswordError('control-character');
  }
  return normalized;
}

/**
 * Normalises the localpart of an email address to NFC, so that canonically equivalent spellings
 * (for example a precomposed "é" versus "e" + U+0301) identify the same mailbox. No other
 * mapping is applied: localparts are otherwise opaque to everyone but the receiving domain.
 */
export function normalizeAddressLocalpart(s: string): string {
  return s.normalize('NFC');
}
