// Message rendering for FETCH and SEARCH (framework-free, pure functions over the raw bytes).
export { parseMessageStructure, isMessageType } from './parse';
export { envelope } from './envelope';
export { bodyStructure } from './body-structure';
export { section, parseSectionSpec, resolvePart, applyPartial } from './section';
export type { SectionSpec, SectionPartial, SectionText } from './section';
export { binarySection, UNKNOWN_CTE } from './binary';
export { headerValues, matchesHeader, matchesBody, matchesText, matchesAddress, addresses, sentDate, sentDay } from './search';
export type { SearchAddress } from './search';
export { parseAddressList, MISSING_DOMAIN, MISSING_MAILBOX } from './address';
export type { EnvelopeAddress } from './address';
export { decodeEncodedWords } from './encoded-words';
export type { ByteRange, ContentDisposition, ContentType, HeaderField, MimeParams, MimePart } from './types';
