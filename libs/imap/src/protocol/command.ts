/** Parsed client commands (RFC 9051 6, with the extensions in CAPABILITY). */

/** `*` in a sequence set: the largest number in use. */
export const STAR = -1;

/** A sequence set (RFC 9051 9 `sequence-set`), or `$`, the saved search result (RFC 5182). */
export type SequenceSet = { saved: true } | { saved?: false; ranges: Array<[number, number]> };

export type FetchSectionText = 'HEADER' | 'HEADER.FIELDS' | 'HEADER.FIELDS.NOT' | 'TEXT' | 'MIME';

/** A BODY[...] section (RFC 9051 6.4.5): part numbers, then an optional text part. */
export interface SectionSpec {
  part: number[];
  text: FetchSectionText | null;
  fields: string[];
}

export interface Partial {
  offset: number;
  length: number;
}

export type FetchItem =
  | { kind: 'FLAGS' | 'UID' | 'INTERNALDATE' | 'RFC822.SIZE' | 'ENVELOPE' | 'BODYSTRUCTURE' | 'BODY' | 'MODSEQ' }
  | { kind: 'RFC822' | 'RFC822.HEADER' | 'RFC822.TEXT' }
  | { kind: 'BODY[]'; peek: boolean; section: SectionSpec; partial: Partial | null; label: string }
  | { kind: 'BINARY'; peek: boolean; part: number[]; partial: Partial | null; label: string }
  | { kind: 'BINARY.SIZE'; part: number[]; label: string };

export type SearchKey =
  | { op: 'and'; keys: SearchKey[] }
  | { op: 'or'; a: SearchKey; b: SearchKey }
  | { op: 'not'; key: SearchKey }
  | { op: 'all' }
  | { op: 'none' }
  | { op: 'flag'; flag: string; set: boolean }
  | { op: 'date'; field: 'internal' | 'sent'; cmp: 'before' | 'on' | 'since'; date: string }
  | { op: 'header'; field: string; value: string }
  | { op: 'text'; scope: 'text' | 'body'; value: string }
  | { op: 'size'; cmp: 'larger' | 'smaller'; size: number }
  | { op: 'uid'; set: SequenceSet }
  | { op: 'seq'; set: SequenceSet }
  | { op: 'modseq'; modseq: bigint };

export interface AppendItem {
  flags: string[];
  date: Date | null;
  raw: Buffer;
}

export interface QresyncParams {
  uidValidity: number;
  modseq: bigint;
  knownUids: SequenceSet | null;
  seqMatch: { seqs: SequenceSet; uids: SequenceSet } | null;
}

export interface ListReturn {
  subscribed: boolean;
  children: boolean;
  specialUse: boolean;
  status: string[] | null;
}

export type Command =
  | {
      name: 'CAPABILITY' | 'NOOP' | 'LOGOUT' | 'STARTTLS' | 'CLOSE' | 'UNSELECT' | 'IDLE' | 'NAMESPACE' | 'CHECK';
    }
  | { name: 'LOGIN'; user: string; password: string }
  | { name: 'AUTHENTICATE'; mechanism: string; initial: string | null }
  | { name: 'ENABLE'; capabilities: string[] }
  | { name: 'ID'; params: Array<[string, string | null]> | null }
  | { name: 'SELECT' | 'EXAMINE'; mailbox: string; condstore: boolean; qresync: QresyncParams | null }
  | { name: 'CREATE'; mailbox: string; specialUse: string[] }
  | { name: 'DELETE' | 'SUBSCRIBE' | 'UNSUBSCRIBE'; mailbox: string }
  | { name: 'RENAME'; from: string; to: string }
  | { name: 'LIST'; reference: string; patterns: string[]; selection: string[]; returns: ListReturn; extended: boolean }
  | { name: 'LSUB'; reference: string; pattern: string }
  | { name: 'STATUS'; mailbox: string; items: string[] }
  | { name: 'APPEND'; mailbox: string; messages: AppendItem[] }
  | { name: 'EXPUNGE'; uids: SequenceSet | null }
  | { name: 'SEARCH'; uid: boolean; returns: string[] | null; charset: string | null; key: SearchKey }
  | { name: 'FETCH'; uid: boolean; set: SequenceSet; items: FetchItem[]; changedSince: bigint | null; vanished: boolean }
  | {
      name: 'STORE';
      uid: boolean;
      set: SequenceSet;
      unchangedSince: bigint | null;
      operation: 'add' | 'remove' | 'replace';
      silent: boolean;
      flags: string[];
    }
  | { name: 'COPY' | 'MOVE'; uid: boolean; set: SequenceSet; mailbox: string }
  | { name: 'GETQUOTA'; root: string }
  | { name: 'GETQUOTAROOT'; mailbox: string };

export type CommandName = Command['name'];

export interface TaggedCommand {
  tag: string;
  command: Command;
}
