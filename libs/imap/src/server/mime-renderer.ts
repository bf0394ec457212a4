import {
  UNKNOWN_CTE,
  binarySection,
  bodyStructure,
  envelope,
  matchesAddress,
  matchesHeader,
  parseMessageStructure,
  section,
  sentDay,
} from '../message';
import { MimePart } from '../message/types';
import { MessageRenderer, splitHeader } from './message-parts';

const ADDRESS_FIELDS = new Set(['from', 'to', 'cc', 'bcc']);

/**
 * FETCH and SEARCH over the MIME structure (libs/imap/src/message): the tree is parsed once
 * per message, on first use, and every item reads it.
 */
export const mimeRenderer: MessageRenderer = (raw) => {
  let parsed: MimePart | null = null;
  let headerOnly: MimePart | null = null;
  const tree = (): MimePart => (parsed ??= parseMessageStructure(raw));
  // ENVELOPE and header searches read only the top-level header fields: parse just those
  // bytes (most of the cost of parsing is in the body).
  const header = (): MimePart => parsed ?? (headerOnly ??= parseMessageStructure(splitHeader(raw).header));
  return {
    envelope: () => envelope(header()),
    bodyStructure: (extended) => bodyStructure(tree(), extended),
    section: (spec) => section(raw, tree(), spec),
    binary: (part) => {
      const data = binarySection(raw, tree(), part);
      return data === UNKNOWN_CTE ? 'unknown-cte' : data;
    },
    // RFC 9051 6.4.4: FROM/TO/CC/BCC also match the addresses' parts; other fields the value.
    matchesHeader: (field, needle) =>
      ADDRESS_FIELDS.has(field) ? matchesAddress(header(), field, needle) : matchesHeader(raw, header(), field, needle),
    sentDay: () => sentDay(header()),
  };
};
