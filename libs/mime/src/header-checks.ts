import { MimeError } from './mime-error';

// RFC 5322 2.2: a field name is printable US-ASCII except the colon.
const FIELD_NAME = /^[\x21-\x39\x3b-\x7e]+$/;
// Control characters (HTAB aside) would end or fold the header line, or smuggle bytes no
// receiver expects; RFC 5322 2.2 allows only VCHAR and WSP in an unstructured body.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\x00-\x08\x0a-\x1f\x7f]/;

export function assertHeaderName(name: string): void {
  if (!FIELD_NAME.test(name)) throw new MimeError(`invalid header name ${JSON.stringify(name)}`);
}

export function assertHeaderValue(what: string, value: string): void {
  if (CONTROL.test(value)) throw new MimeError(`${what} contains a control character`);
}
