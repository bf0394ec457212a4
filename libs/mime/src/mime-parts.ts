import { decodeEncodedWords } from './encoded-words';

/** One node of a message's MIME tree, numbered the way IMAP numbers body sections. */
export interface MimePart {
  /**
   * RFC 9051 6.4.5 section number: `1`, `1.2`, ...; a single-part message's body is `1`.
   * Multipart containers have a path too (except the top-level one, which is '').
   */
  path: string;
  contentType: string;
  charset: string | null;
  filename: string | null;
  disposition: string | null;
  contentId: string | null;
  transferEncoding: string | null;
  /** Octets of the encoded body of this part. */
  encodedSize: number;
  /** Start and end of the encoded body in the raw message. */
  bodyStart: number;
  bodyEnd: number;
  children: MimePart[];
}

interface RawHeaders {
  fields: Map<string, string>;
  bodyStart: number;
}

/** Reads header fields leniently (inbound mail is whatever the sender wrote): unfolds, keeps the first of each. */
function readPartHeaders(raw: Buffer, start: number, end: number): RawHeaders {
  let headerEnd = raw.indexOf('\r\n\r\n', start);
  let bodyStart: number;
  if (raw.subarray(start, start + 2).toString('latin1') === '\r\n') {
    headerEnd = start;
    bodyStart = start + 2;
  } else if (headerEnd < 0 || headerEnd >= end) {
    headerEnd = end;
    bodyStart = end;
  } else {
    bodyStart = headerEnd + 4;
  }
  const fields = new Map<string, string>();
  let current: string | null = null;
  for (const line of raw.subarray(start, headerEnd).toString('utf8').split('\r\n')) {
    if ((line.startsWith(' ') || line.startsWith('\t')) && current) {
      fields.set(current, `${fields.get(current)} ${line.trim()}`);
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    current = line.slice(0, colon).trim().toLowerCase();
    if (!fields.has(current)) fields.set(current, line.slice(colon + 1).trim());
    else current = null;
  }
  return { fields, bodyStart };
}

/** Splits `value; a=b; c="d"` (RFC 2045 5.1, RFC 2183) into the value and its parameters, with RFC 2231 continuations joined. */
export function parseStructuredHeader(input: string): { value: string; params: Record<string, string> } {
  const parts: string[] = [];
  let current = '';
  let quoted = false;
  for (let i = 0; i < input.length; i++) {
    const c = input[i];
    if (c === '"') quoted = !quoted;
    if (c === '\\' && quoted && i + 1 < input.length) {
      current += input[++i];
      continue;
    }
    if (c === ';' && !quoted) {
      parts.push(current);
      current = '';
    } else current += c;
  }
  parts.push(current);
  const params: Record<string, string> = {};
  const extended: Record<string, { index: number; value: string; encoded: boolean }[]> = {};
  for (const part of parts.slice(1)) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const key = part.slice(0, eq).trim().toLowerCase();
    let value = part.slice(eq + 1).trim();
    if (value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
    // RFC 2231 3 and 4: name*0*=..., name*1=..., name*=charset'lang'pct-encoded
    const m = /^([^*]+)\*(?:(\d+)\*?)?$/.exec(key);
    if (m && key.includes('*')) {
      (extended[m[1]] ??= []).push({ index: Number(m[2] ?? 0), value, encoded: key.endsWith('*') });
    } else params[key] = value;
  }
  for (const [name, pieces] of Object.entries(extended)) {
    pieces.sort((a, b) => a.index - b.index);
    let charset = 'utf-8';
    const bytes: Buffer[] = pieces.map((p, i) => {
      let v = p.value;
      if (p.encoded && i === 0) {
        const first = /^([^']*)'[^']*'(.*)$/.exec(v);
        if (first) {
          charset = first[1] || charset;
          v = first[2];
        }
      }
      return p.encoded ? Buffer.from(decodeURIComponentBytes(v)) : Buffer.from(v, 'utf8');
    });
    const joined = Buffer.concat(bytes);
    params[name] = /^(us-ascii|utf-?8)$/i.test(charset) ? joined.toString('utf8') : joined.toString('latin1');
  }
  return { value: parts[0].trim().toLowerCase(), params };
}

function decodeURIComponentBytes(value: string): Uint8Array {
  const out: number[] = [];
  for (let i = 0; i < value.length; i++) {
    if (value[i] === '%' && /^[0-9a-fA-F]{2}$/.test(value.slice(i + 1, i + 3))) {
      out.push(parseInt(value.slice(i + 1, i + 3), 16));
      i += 2;
    } else out.push(...Buffer.from(value[i], 'utf8'));
  }
  return Uint8Array.from(out);
}

const MAX_DEPTH = 20;

function walk(raw: Buffer, start: number, end: number, path: string, depth: number, defaultType: string): MimePart {
  const { fields, bodyStart } = readPartHeaders(raw, start, end);
  const type = parseStructuredHeader(fields.get('content-type') ?? defaultType);
  const disposition = fields.has('content-disposition') ? parseStructuredHeader(fields.get('content-disposition')!) : null;
  const rawName = disposition?.params.filename ?? type.params.name ?? null;
  const part: MimePart = {
    path,
    contentType: type.value.includes('/') ? type.value : 'text/plain',
    charset: type.params.charset ?? null,
    filename: rawName === null ? null : decodeEncodedWords(rawName),
    disposition: disposition?.value ?? null,
    contentId: fields.get('content-id') ?? null,
    transferEncoding: fields.get('content-transfer-encoding')?.toLowerCase() ?? null,
    encodedSize: Math.max(0, end - bodyStart),
    bodyStart,
    bodyEnd: end,
    children: [],
  };
  const boundary = type.params.boundary;
  if (part.contentType.startsWith('multipart/') && boundary && depth < MAX_DEPTH) {
    // RFC 2046 5.1.1: the delimiter is CRLF "--" boundary; the CRLF before it belongs to the delimiter.
    const delimiter = Buffer.from(`\r\n--${boundary}`);
    const childDefault = part.contentType === 'multipart/digest' ? 'message/rfc822' : 'text/plain';
    let cursor = raw.subarray(bodyStart, bodyStart + boundary.length + 2).toString('latin1') === `--${boundary}` ? bodyStart - 2 : -1;
    if (cursor < 0) cursor = raw.indexOf(delimiter, bodyStart);
    let n = 0;
    while (cursor >= 0 && cursor < end) {
      const afterDelimiter = cursor + delimiter.length;
      if (raw.subarray(afterDelimiter, afterDelimiter + 2).toString('latin1') === '--') break;
      const lineEnd = raw.indexOf('\r\n', afterDelimiter);
      if (lineEnd < 0 || lineEnd >= end) break;
      const next = raw.indexOf(delimiter, lineEnd);
      const childEnd = next < 0 || next > end ? end : next;
      n += 1;
      part.children.push(walk(raw, lineEnd + 2, childEnd, path ? `${path}.${n}` : String(n), depth + 1, childDefault));
      cursor = next < 0 || next > end ? -1 : next;
    }
  } else if (part.contentType === 'message/rfc822' && depth < MAX_DEPTH) {
    // RFC 9051 6.4.5: the parts of an encapsulated message continue its part's numbering.
    const inner = walk(raw, bodyStart, end, path, depth + 1, 'text/plain');
    part.children = inner.children.length > 0 ? inner.children : [{ ...inner, path: `${path}.1` }];
  }
  return part;
}

/** The MIME tree of a message (RFC 2045, RFC 2046), tolerant of broken structure. */
export function mimeTree(raw: Buffer): MimePart {
  const root = walk(raw, 0, raw.length, '', 0, 'text/plain');
  // A single-part message's body is section 1.
  if (!root.contentType.startsWith('multipart/')) root.path = '1';
  return root;
}

/** Every part that is not a multipart container, in order. */
export function leafParts(root: MimePart): MimePart[] {
  if (root.children.length === 0 || root.contentType === 'message/rfc822') return [root];
  return root.children.flatMap(leafParts);
}

export function findPart(root: MimePart, path: string): MimePart | null {
  if (root.path === path) return root;
  for (const child of root.children) {
    const hit = findPart(child, path);
    if (hit) return hit;
  }
  return null;
}

/** The decoded content of a part (RFC 2045 6: base64 and quoted-printable; other encodings as is). */
export function partContent(raw: Buffer, part: MimePart): Buffer {
  const body = raw.subarray(part.bodyStart, part.bodyEnd);
  switch (part.transferEncoding) {
    case 'base64':
      return Buffer.from(body.toString('latin1').replace(/[^A-Za-z0-9+/=]/g, ''), 'base64');
    case 'quoted-printable': {
      const text = body.toString('latin1').replace(/=\r?\n/g, '');
      return Buffer.from(
        text.replace(/=([0-9A-Fa-f]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16))),
        'latin1',
      );
    }
    case null:
    default:
      return Buffer.from(body);
  }
}

/** Whether a leaf part is an attachment rather than the message text (RFC 2183). */
export function isAttachment(part: MimePart): boolean {
  if (part.disposition === 'attachment') return true;
  if (part.filename) return true;
  return !part.contentType.startsWith('text/') && !part.contentType.startsWith('multipart/');
}
