import { FetchItem, FetchSectionText, Partial, SectionSpec } from './command';
import { Cursor } from './cursor';

/** RFC 9051 6.4.5 macros. */
const MACROS: Record<string, FetchItem['kind'][]> = {
  ALL: ['FLAGS', 'INTERNALDATE', 'RFC822.SIZE', 'ENVELOPE'],
  FAST: ['FLAGS', 'INTERNALDATE', 'RFC822.SIZE'],
  FULL: ['FLAGS', 'INTERNALDATE', 'RFC822.SIZE', 'ENVELOPE', 'BODY'],
};

const SIMPLE = new Set([
  'FLAGS',
  'UID',
  'INTERNALDATE',
  'RFC822.SIZE',
  'ENVELOPE',
  'BODYSTRUCTURE',
  'BODY',
  'MODSEQ',
  'RFC822',
  'RFC822.HEADER',
  'RFC822.TEXT',
]);

/** FETCH's att list: a macro, one item, or a parenthesised list. */
export function parseFetchItems(c: Cursor): FetchItem[] {
  if (c.peek() === 0x28) return c.list(() => fetchItem(c), false);
  const save = c.pos;
  const word = c.fetchAtt();
  const macro = MACROS[word];
  if (macro && c.peek() !== 0x5b) return macro.map((kind) => ({ kind }) as FetchItem);
  c.pos = save;
  return [fetchItem(c)];
}

function fetchItem(c: Cursor): FetchItem {
  const name = c.fetchAtt();
  if (name === 'BODY' || name === 'BODY.PEEK') {
    if (c.peek() !== 0x5b) {
      if (name === 'BODY.PEEK') c.fail('BODY.PEEK needs a section');
      return { kind: 'BODY' };
    }
    const section = sectionSpec(c);
    const partial = parsePartial(c);
    return { kind: 'BODY[]', peek: name === 'BODY.PEEK', section, partial, label: `BODY[${sectionLabel(section)}]` };
  }
  if (name === 'BINARY' || name === 'BINARY.PEEK' || name === 'BINARY.SIZE') {
    c.expect('[');
    const part = sectionPart(c);
    c.expect(']');
    const label = `${part.join('.')}`;
    if (name === 'BINARY.SIZE') return { kind: 'BINARY.SIZE', part, label: `BINARY.SIZE[${label}]` };
    return { kind: 'BINARY', peek: name === 'BINARY.PEEK', part, partial: parsePartial(c), label: `BINARY[${label}]` };
  }
  if (SIMPLE.has(name)) return { kind: name } as FetchItem;
  return c.fail(`unknown fetch attribute ${name}`);
}

function sectionPart(c: Cursor): number[] {
  const part: number[] = [];
  if (c.peek() < 0x31 || c.peek() > 0x39) return part;
  part.push(c.nzNumber());
  while (c.peek() === 0x2e) {
    const save = c.pos;
    c.pos++;
    if (c.peek() >= 0x31 && c.peek() <= 0x39) {
      part.push(c.nzNumber());
    } else {
      c.pos = save;
      break;
    }
  }
  return part;
}

function sectionSpec(c: Cursor): SectionSpec {
  c.expect('[');
  const part = sectionPart(c);
  let text: FetchSectionText | null = null;
  let fields: string[] = [];
  if (part.length === 0 || c.take('.')) {
    if (c.take('HEADER.FIELDS.NOT')) text = 'HEADER.FIELDS.NOT';
    else if (c.take('HEADER.FIELDS')) text = 'HEADER.FIELDS';
    else if (c.take('HEADER')) text = 'HEADER';
    else if (c.take('TEXT')) text = 'TEXT';
    else if (part.length > 0 && c.take('MIME')) text = 'MIME';
    else if (part.length > 0 || c.peek() !== 0x5d) c.fail('bad section');
    if (text === 'HEADER.FIELDS' || text === 'HEADER.FIELDS.NOT') {
      c.sp();
      fields = c.list(() => c.astring(), false);
    }
  }
  c.expect(']');
  return { part, text, fields };
}

function parsePartial(c: Cursor): Partial | null {
  if (!c.take('<')) return null;
  const offset = c.number();
  c.expect('.');
  const length = c.nzNumber();
  c.expect('>');
  return { offset, length };
}

/** The section as FETCH responses name it (RFC 9051 7.5.2: field names as the client gave them). */
export function sectionLabel(section: SectionSpec): string {
  const parts = [section.part.join('.'), section.text ?? ''].filter((p) => p !== '').join('.');
  return section.fields.length > 0
    ? `${parts} (${section.fields.map((f) => (/^[!#-'*-[^-z|~]+$/.test(f) ? f : JSON.stringify(f))).join(' ')})`
    : parts;
}
