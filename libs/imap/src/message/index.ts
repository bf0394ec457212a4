// Message rendering for FETCH and SEARCH: framework-free, pure functions over the raw bytes.
//
//   const tree = parseMessageStructure(raw);          // once per message; never throws
//   envelope(tree)                                    // FETCH ENVELOPE
//   bodyStructure(tree, true | false)                 // FETCH BODYSTRUCTURE | BODY
//   section(raw, tree, spec, partial)                 // FETCH BODY[spec]<partial> (exact bytes)
//   binarySection(raw, tree, path)                    // FETCH BINARY[path]; `.length` for BINARY.SIZE;
//                                                     //   UNKNOWN_CTE: answer NO [UNKNOWN-CTE]
//   matchesHeader / matchesBody / matchesText / matchesAddress, sentDay / sentDate  // SEARCH
//
// Behaviour follows Dovecot 2.3 where RFCs leave room (dovecot.spec.ts compares the two).
export { parseMessageStructure, isMessageType } from './parse';
export { envelope } from './envelope';
export { bodyStructure } from './body-structure';
export { section, parseSectionSpec, resolvePart, applyPartial } from './section';
export type { SectionSpec, SectionPartial, SectionText } from './section';
export { binarySection, UNKNOWN_CTE } from './binary';
export { headerValues, matchesHeader, matchesBody, matchesText, matchesAddress, addresses, sentDate, sentDay } from './search';
export type { SearchAddress } from './search';
export { parseAddressList, MISSING_DOMAIN, MISSING_MAILBOX, SYNTAX_ERROR } from './address';
export type { EnvelopeAddress } from './address';
export { decodeEncodedWords } from './encoded-words';
export type { ByteRange, ContentDisposition, ContentType, HeaderField, MimeParams, MimePart } from './types';
