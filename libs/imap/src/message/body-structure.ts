import { adjacent, type ImapValue } from '../protocol/value';
import { envelope } from './envelope';
import { isMessageType } from './parse';
import type { MimeParams, MimePart } from './types';

const paramList = (params: MimeParams): ImapValue => (params.length ? params.flat() : null);

// RFC 9051 7.5.2: a multipart has at least one body; Dovecot writes this one for a
// multipart in which no part was found.
const EMPTY_TEXT: ImapValue[] = ['text', 'plain', ['charset', 'us-ascii'], null, null, '7bit', 0, 0];

/**
 * BODY (`extended` false: no extension data) or BODYSTRUCTURE (`extended` true) of a part,
 * RFC 9051 7.5.2. Types, subtypes, parameter names and the transfer encoding are shown as
 * the header writes them, as Dovecot does.
 *
 * Note for the encoder: RFC 9051 9 writes the bodies of a multipart (`1*body`) and the
 * addresses of an address list (`1*address`) one after the other without SP.
 */
export function bodyStructure(part: MimePart, extended: boolean): ImapValue {
  const ct = part.contentType;
  if (ct.type === 'multipart') {
    const children: ImapValue[] = part.parts.length
      ? part.parts.map((child) => bodyStructure(child, extended))
      : [extended ? [...EMPTY_TEXT, null, null, null, null] : EMPTY_TEXT];
    // RFC 9051 9: body-type-mpart = 1*body SP media-subtype, the bodies without SP between them.
    const out: ImapValue[] = [adjacent(children), ct.rawSubtype];
    // RFC 9051 7.5.2: body-ext-mpart = parameters, disposition, language, location.
    if (extended) out.push(paramList(ct.params), ...dispositionLanguageLocation(part));
    return out;
  }
  const out: ImapValue[] = [
    ct.rawType,
    ct.rawSubtype,
    paramList(ct.params),
    part.contentId,
    part.description,
    part.rawEncoding ?? '7bit',
    part.body.end - part.body.start,
  ];
  if (isMessageType(ct) && part.message) {
    out.push(envelope(part.message), bodyStructure(part.message, extended), part.lines);
  } else if (ct.type === 'text') {
    out.push(part.lines);
  }
  // RFC 9051 7.5.2: body-ext-1part = md5, disposition, language, location.
  if (extended) out.push(part.md5, ...dispositionLanguageLocation(part));
  return out;
}

function dispositionLanguageLocation(part: MimePart): ImapValue[] {
  const d = part.disposition;
  return [d ? [d.value, paramList(d.params)] : null, part.language, part.location];
}
