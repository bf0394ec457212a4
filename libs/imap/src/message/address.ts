/**
 * One entry of an ENVELOPE address list (RFC 9051 7.5.2): name, source route, mailbox,
 * host. A group is written as a start marker (mailbox = group name, host = null) and an
 * end marker (all null), as RFC 3501 7.4.2 describes.
 */
export interface EnvelopeAddress {
  name: string | null;
  adl: string | null;
  mailbox: string | null;
  host: string | null;
}

// What Dovecot puts in place of a missing part, so clients still get a parsable address.
export const MISSING_MAILBOX = 'MISSING_MAILBOX';
export const MISSING_DOMAIN = 'MISSING_DOMAIN';
export const SYNTAX_ERROR = 'SYNTAX_ERROR';

/** Collapses runs of whitespace to one space and trims, as Dovecot does for display text. */
export function forHumans(text: string): string {
  return text.replace(/[\s]+/g, ' ').trim();
}

class Scanner {
  i = 0;
  constructor(readonly text: string) {}
  get done(): boolean {
    return this.i >= this.text.length;
  }
  peek(): string {
    return this.text[this.i];
  }
  /** Reads a `(comment)` (nested, quoted pairs); returns its text. */
  comment(): string {
    let depth = 0;
    let out = '';
    for (; this.i < this.text.length; this.i++) {
      const c = this.text[this.i];
      if (c === '\\' && this.i + 1 < this.text.length) out += this.text[++this.i];
      else if (c === '(') {
        if (depth++ > 0) out += c;
      } else if (c === ')') {
        if (--depth === 0) {
          this.i++;
          return out;
        }
        out += c;
      } else out += c;
    }
    return out;
  }
  /** Reads a quoted string from its opening quote; returns the unquoted text. */
  quoted(): string {
    let out = '';
    for (this.i++; this.i < this.text.length; this.i++) {
      const c = this.text[this.i];
      if (c === '\\' && this.i + 1 < this.text.length) out += this.text[++this.i];
      else if (c === '"') {
        this.i++;
        return out;
      } else out += c;
    }
    return out;
  }
  /** Reads atom text (with `.`, `@` and domain literals) up to a special or whitespace. */
  atom(): string {
    const start = this.i;
    while (this.i < this.text.length) {
      const c = this.text[this.i];
      if (c === '[') {
        const close = this.text.indexOf(']', this.i);
        this.i = close === -1 ? this.text.length : close + 1;
        continue;
      }
      if (/[\s"(),:;<>\\]/.test(c)) break;
      this.i++;
    }
    if (this.i === start) this.i++; // a stray special: skip it
    return this.text.slice(start, this.i);
  }
}

interface Word {
  text: string;
  quoted: boolean;
  /** Whitespace or a comment came before it. */
  spaced: boolean;
}

/**
 * Parses an address list header (RFC 5322 3.4) leniently, as Dovecot does: comments give
 * the name of a bare addr-spec, a missing local part or domain becomes MISSING_MAILBOX /
 * MISSING_DOMAIN, an unterminated group or angle address ends with the header, and
 * encoded words stay as they are (RFC 9051 7.5.2 leaves decoding to the client).
 */
export function parseAddressList(text: string): EnvelopeAddress[] {
  const s = new Scanner(text);
  const out: EnvelopeAddress[] = [];
  let inGroup = false;
  while (!s.done) {
    const c = s.peek();
    if (c === ',' || /\s/.test(c)) {
      s.i++;
      continue;
    }
    if (c === ';') {
      s.i++;
      if (inGroup) out.push({ name: null, adl: null, mailbox: null, host: null });
      inGroup = false;
      continue;
    }
    const result = parseMailbox(s, inGroup);
    if (result && 'group' in result) {
      out.push({ name: null, adl: null, mailbox: result.group, host: null });
      inGroup = true;
    } else if (result) out.push(result);
  }
  if (inGroup) out.push({ name: null, adl: null, mailbox: null, host: null });
  return out;
}

/** One mailbox, or the name of a group that starts here (`name:`, RFC 5322 3.4). */
function parseMailbox(s: Scanner, inGroup: boolean): EnvelopeAddress | { group: string } | null {
  const words: Word[] = [];
  let comment: string | null = null;
  let spaced = false;
  let angle: string | null = null;
  while (!s.done) {
    const c = s.peek();
    if (/\s/.test(c)) {
      s.i++;
      spaced = true;
    } else if (c === '(') {
      comment = s.comment();
      spaced = true;
    } else if (c === '"') {
      words.push({ text: s.quoted(), quoted: true, spaced });
      spaced = false;
    } else if (c === '<') {
      angle = readAngle(s);
    } else if (c === ',' || c === ';') {
      break;
    } else if (c === ':' && !inGroup && angle === null) {
      s.i++;
      return { group: forHumans(phrase(words)) };
    } else if (c === '>' || c === ':') {
      s.i++;
    } else {
      words.push({ text: s.atom(), quoted: false, spaced });
      spaced = false;
    }
  }
  const commentName = comment !== null ? forHumans(comment) || null : null;
  // Dovecot reads an addr-spec first: `local@domain <other@host>` is local@domain.
  const specFirst = words.some((w) => !w.quoted && w.text.includes('@'));
  if (angle !== null && !specFirst) {
    const name = forHumans(phrase(words));
    // A comment after an angle address is no name (Dovecot).
    return { ...splitAngle(angle), name: name || null };
  }
  if (words.length === 0) return null;
  const spec = words.map((w) => w.text).join('');
  if (lastAtOutsideQuotes(spec) === -1 && (words.length > 1 || words[0].quoted)) {
    // A display name without any address ("undisclosed"): Dovecot keeps it as the name.
    return { name: forHumans(phrase(words)) || null, adl: null, mailbox: MISSING_MAILBOX, host: MISSING_DOMAIN };
  }
  const { mailbox, host } = splitSpec(spec);
  return { name: commentName, adl: null, mailbox, host };
}

function phrase(words: Word[]): string {
  return words.map((w, i) => (i > 0 && (w.spaced || w.quoted || words[i - 1].quoted) ? ' ' : '') + w.text).join('');
}

/**
 * Reads `<...>` from the `<`; returns the inside without whitespace and comments. Words
 * separated by whitespace (`<Undisclosed Recipients>`) are a syntax error: Dovecot keeps
 * the first word as the mailbox and SYNTAX_ERROR as the host, and so do we.
 */
function readAngle(s: Scanner): string {
  let out = '';
  let gap = false;
  let broken = -1;
  s.i++;
  while (!s.done) {
    const c = s.peek();
    if (c === '>') {
      s.i++;
      break;
    }
    if (c === '(') s.comment();
    else if (c === '"') out += `"${s.quoted().replace(/["\\]/g, '\\$&')}"`;
    else if (/\s/.test(c)) {
      s.i++;
      gap = out.length > 0;
      continue;
    } else {
      if (gap && broken === -1 && /[^@.:,]/.test(c) && /[^@.:,]$/.test(out)) broken = out.length;
      out += c;
      s.i++;
    }
    gap = false;
  }
  return broken === -1 ? out : `${out.slice(0, broken)}@${SYNTAX_ERROR}`;
}

/** `@route,@route:local@domain` (RFC 5322 4.4 obs-route kept as the ADL). */
function splitAngle(inside: string): Omit<EnvelopeAddress, 'name'> {
  let adl: string | null = null;
  let spec = inside;
  if (inside.startsWith('@')) {
    const colon = inside.indexOf(':');
    if (colon !== -1) {
      adl = inside.slice(0, colon);
      spec = inside.slice(colon + 1);
    }
  }
  return { adl, ...splitSpec(spec) };
}

function splitSpec(spec: string): { mailbox: string; host: string } {
  const at = lastAtOutsideQuotes(spec);
  const local = at === -1 ? spec : spec.slice(0, at);
  const domain = at === -1 ? '' : spec.slice(at + 1);
  const mailbox = unquote(local);
  return { mailbox: mailbox || MISSING_MAILBOX, host: domain || MISSING_DOMAIN };
}

function lastAtOutsideQuotes(spec: string): number {
  let inQuotes = false;
  let last = -1;
  for (let i = 0; i < spec.length; i++) {
    const c = spec[i];
    if (c === '\\') i++;
    else if (c === '"') inQuotes = !inQuotes;
    else if (c === '@' && !inQuotes) last = i;
  }
  return last;
}

function unquote(local: string): string {
  return local.includes('"') ? local.replace(/\\(.)|"/g, (_m, escaped: string | undefined) => escaped ?? '') : local;
}
