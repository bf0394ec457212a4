import type { MimeParams } from './types';

/** A structured header value split into its main value and its parameters. */
export interface ParsedParamValue {
  value: string;
  params: MimeParams;
}

const TOKEN = /^[!#$%&'*+\-.0-9A-Z^_`a-z{|}~]+$/;

/** Skips whitespace and RFC 5322 3.2.2 comments (nested, with quoted pairs). */
function skipCfws(text: string, at: number): number {
  let i = at;
  for (;;) {
    while (i < text.length && /\s/.test(text[i])) i++;
    if (text[i] !== '(') return i;
    let depth = 0;
    for (; i < text.length; i++) {
      const c = text[i];
      if (c === '\\') i++;
      else if (c === '(') depth++;
      else if (c === ')' && --depth === 0) {
        i++;
        break;
      }
    }
  }
}

/** Reads a quoted string starting at the opening quote; null when it is not terminated. */
function readQuoted(text: string, at: number): [value: string | null, next: number] {
  let out = '';
  let i = at + 1;
  for (; i < text.length; i++) {
    const c = text[i];
    if (c === '\\' && i + 1 < text.length) out += text[++i];
    else if (c === '"') return [out, i + 1];
    else out += c;
  }
  return [null, i];
}

// RFC 2045 5.1: token := 1*<any CHAR except SPACE, CTLs, or tspecials>; 8-bit octets are
// let through, as Dovecot does.
const TSPECIALS = '()<>@,;:\\"/[]?=';
const isTokenChar = (c: string): boolean => c.charCodeAt(0) > 0x20 && c.charCodeAt(0) !== 0x7f && !TSPECIALS.includes(c);

/** Reads an unquoted value: a token, as Dovecot does (`name=a/b` is `a`). */
function readToken(text: string, at: number): [value: string, next: number] {
  let i = at;
  while (i < text.length && isTokenChar(text[i])) i++;
  return [text.slice(at, i), i];
}

/** Reads up to one of `stops` (or a comment), trimmed. */
function readUntil(text: string, at: number, stops: string): [value: string, next: number] {
  let i = at;
  while (i < text.length && !stops.includes(text[i]) && text[i] !== '(') i++;
  return [text.slice(at, i).trim(), i];
}

/**
 * Parses `value; name=value; name="quoted"` (RFC 2045 5.1, RFC 2183 2). As Dovecot does,
 * an unquoted value ends where the token does, and junk up to the next `;` is skipped. RFC 2231 3 continuations
 * (`name*0`, `name*1*`) are joined; an extended value keeps its `name*` and its
 * `charset'language'%XX` text, as IMAP servers pass it on.
 */
export function parseParamValue(text: string): ParsedParamValue {
  let i = skipCfws(text, 0);
  let value: string | null;
  if (text[i] === '"') [value, i] = readQuoted(text, i);
  else [value, i] = readUntil(text, i, ';');
  const raw: MimeParams = [];
  while (i < text.length) {
    i = skipCfws(text, i);
    if (text[i] !== ';') {
      // Junk after a value: skip to the next parameter.
      const semi = text.indexOf(';', i);
      if (semi === -1) break;
      i = semi;
    }
    i = skipCfws(text, i + 1);
    let name: string;
    [name, i] = readUntil(text, i, '=;');
    // A parameter without "=" or with a name that is no token is dropped, as Dovecot does.
    if (text[i] !== '=') continue;
    i = skipCfws(text, i + 1);
    let paramValue: string | null;
    if (text[i] === '"') [paramValue, i] = readQuoted(text, i);
    else [paramValue, i] = readToken(text, i);
    // An unterminated quoted string is no value: the parameter goes (Dovecot).
    if (TOKEN.test(name) && paramValue !== null) raw.push([name, paramValue]);
  }
  return { value: value ?? '', params: joinContinuations(raw) };
}

const CONTINUATION = /^(.+?)\*(\d+)(\*?)$/;

/** RFC 2231 3: `name*0`, `name*1`, ... joined in order, at the place of the first one. */
function joinContinuations(params: MimeParams): MimeParams {
  const out: MimeParams = [];
  const groups = new Map<string, { name: string; index: number; segments: Map<number, [string, boolean]> }>();
  for (const [name, value] of params) {
    const m = CONTINUATION.exec(name);
    if (!m) {
      out.push([name, value]);
      continue;
    }
    const key = m[1].toLowerCase();
    let group = groups.get(key);
    if (!group) {
      group = { name: m[1], index: out.length, segments: new Map() };
      groups.set(key, group);
      out.push([m[1], '']);
    }
    if (!group.segments.has(Number(m[2]))) group.segments.set(Number(m[2]), [value, m[3] === '*']);
  }
  for (const group of groups.values()) {
    const name = group.name;
    const ordered = [...group.segments.entries()].sort((a, b) => a[0] - b[0]);
    const extended = ordered.length > 0 && ordered[0][1][1];
    const value = ordered.map(([, [text, encoded]]) => (extended && !encoded ? encodeURIComponent(text) : text)).join('');
    out[group.index] = [extended ? `${name}*` : name, value];
  }
  return out;
}

/** The value of parameter `name`, or null. */
export function param(params: MimeParams, name: string): string | null {
  const wanted = name.toLowerCase();
  const found = params.find(([n]) => n.toLowerCase() === wanted);
  return found ? found[1] : null;
}
