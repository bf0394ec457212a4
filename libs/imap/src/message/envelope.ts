import { adjacent, type ImapValue } from '../protocol/value';
import { forHumans, parseAddressList, type EnvelopeAddress } from './address';
import { fieldValues, lastText } from './headers';
import type { HeaderField, MimePart } from './types';

/**
 * The addresses of every `name` field (Dovecot joins repeated address fields), or null
 * when there is none or they list no address.
 */
export function addressesOf(headers: HeaderField[], name: string): EnvelopeAddress[] | null {
  const list = fieldValues(headers, name).flatMap(parseAddressList);
  return list.length ? list : null;
}

// RFC 9051 9: env-from = "(" 1*address ")" / nil, the addresses without SP between them.
const addressList = (list: EnvelopeAddress[] | null): ImapValue =>
  list === null ? null : [adjacent(list.map((a): ImapValue => [a.name, a.adl, a.mailbox, a.host]))];

/**
 * ENVELOPE (RFC 9051 7.5.2): date, subject, from, sender, reply-to, to, cc, bcc,
 * in-reply-to, message-id, from the part's own header (the message, or the message inside
 * a message/rfc822 part). Strings are the header text as it is: encoded words are the
 * client's to decode. As Dovecot does, a repeated field counts by its last occurrence and
 * the subject's whitespace runs collapse to one space.
 */
export function envelope(part: MimePart): ImapValue {
  const headers = part.headers;
  const from = addressesOf(headers, 'from');
  const subject = lastText(headers, 'subject');
  return [
    lastText(headers, 'date'),
    subject === null ? null : forHumans(subject),
    addressList(from),
    // RFC 9051 7.5.2: absent (or empty) Sender and Reply-To are set to From.
    addressList(addressesOf(headers, 'sender') ?? from),
    addressList(addressesOf(headers, 'reply-to') ?? from),
    addressList(addressesOf(headers, 'to')),
    addressList(addressesOf(headers, 'cc')),
    addressList(addressesOf(headers, 'bcc')),
    lastText(headers, 'in-reply-to'),
    lastText(headers, 'message-id'),
  ];
}
