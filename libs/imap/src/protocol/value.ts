/**
 * A value in an IMAP response, before encoding (RFC 9051 section 4). The encoder
 * (`protocol/encoder.ts`) turns it into bytes: strings as quoted strings or literals as
 * their content requires, `null` as NIL, arrays as parenthesised lists.
 *
 * Message rendering (`message/`) returns these, so ENVELOPE and BODYSTRUCTURE are
 * built as data and encoded in one place.
 */
export type ImapValue = null | number | bigint | string | Buffer | ImapAtom | ImapAdjacent | ImapValue[];

/** An atom (or a flag, or any token) written as it is, never quoted. */
export interface ImapAtom {
  atom: string;
}

/**
 * Values written one after the other with no space between them and no parentheses of
 * their own: the grammar's `1*body` in a multipart (RFC 9051 9, body-type-mpart) and
 * `1*address` in an address list, e.g. `(("text" ...)("text" ...) "mixed")`.
 */
export interface ImapAdjacent {
  adjacent: ImapValue[];
}

export const atom = (value: string): ImapAtom => ({ atom: value });

export const adjacent = (values: ImapValue[]): ImapAdjacent => ({ adjacent: values });
