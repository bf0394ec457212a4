import { beforeLineEnd, findBoundary, matchBoundary, type BoundaryHit } from './boundaries';
import { firstValue, lineEnd, readHeaderBlock } from './headers';
import { parseParamValue, param } from './params';
import type { ContentDisposition, ContentType, HeaderField, MimePart } from './types';

// Limits as Dovecot's message parser has them (message_max_nested_mime_parts,
// message_max_total_mime_parts): deeper or further parts are left unparsed.
const MAX_DEPTH = 100;
const MAX_PARTS = 10_000;

const TOKEN = /^[!#$%&'*+\-.0-9A-Z^_`a-z{|}~]+$/;

interface ParseContext {
  raw: Buffer;
  parts: number;
}

interface EntityBounds {
  start: number;
  limit: number;
  /** Boundaries of the enclosing multiparts, outermost first, without the leading `--`. */
  stack: Buffer[];
  /** RFC 2046 5.1.5: in a multipart/digest, parts default to message/rfc822. */
  digest: boolean;
  depth: number;
}

interface Parsed {
  part: MimePart;
  /** The delimiter line that ended the entity, or null when it ran to its limit. */
  hit: BoundaryHit | null;
  /** Where the entity's bytes end for an enclosing message/rfc822 (see `headerOnly`). */
  extent: number;
}

/**
 * Parses the MIME structure of a message (RFC 2045, RFC 2046) into byte ranges of the raw
 * message. Never throws: broken input degrades as Dovecot does (a Content-Type it cannot
 * read is text/plain, a multipart without boundary or without any part has no children,
 * a delimiter of an enclosing multipart ends every part inside it, a truncated part ends
 * where the message ends).
 */
export function parseMessageStructure(raw: Buffer): MimePart {
  const ctx: ParseContext = { raw, parts: 0 };
  try {
    return parseEntity(ctx, { start: 0, limit: raw.length, stack: [], digest: false, depth: 0 }).part;
  } catch {
    // Defence in depth: nothing above should throw, but a message must always render.
    return emptyPart(0, { start: 0, end: raw.length });
  }
}

function parseEntity(ctx: ParseContext, bounds: EntityBounds): Parsed {
  const { raw } = ctx;
  const { stack, limit } = bounds;
  ctx.parts++;
  let hit: BoundaryHit | null = null;
  // Set when the empty line after the header is taken by the delimiter that follows: the
  // header leaves it out, but an enclosing message/rfc822 body still holds it (Dovecot).
  let headerOnly = -1;
  const block = readHeaderBlock(
    raw,
    bounds.start,
    limit,
    (at, next) => {
      hit = stack.length ? matchBoundary(raw, at, next, stack) : null;
      return hit !== null;
    },
    (next) => {
      // Only the innermost multipart's delimiter takes the empty line (as Dovecot does).
      const found = stack.length && next < limit ? matchBoundary(raw, next, lineEnd(raw, next, limit), stack) : null;
      if (found?.level !== stack.length - 1) return false;
      hit = found;
      headerOnly = next;
      return true;
    },
  );
  const part = describe(block.fields, bounds.digest);
  part.header = block.header;
  part.headerTerminated = block.terminated;
  part.body = { start: block.bodyStart, end: block.bodyStart };
  if (hit !== null) {
    const done = finish(raw, part, hit);
    return headerOnly === -1 ? done : { ...done, extent: headerOnly };
  }

  const bodyStart = block.bodyStart;
  const { type } = part.contentType;
  const nestable = bounds.depth < MAX_DEPTH && ctx.parts < MAX_PARTS;
  const boundary = type === 'multipart' ? param(part.contentType.params, 'boundary') : null;
  // An empty boundary is one (every `--` line delimits), as Dovecot has it.
  if (boundary !== null && nestable) {
    const inner = [...stack, Buffer.from(boundary, 'latin1')];
    const own = inner.length - 1;
    const digest = part.contentType.subtype === 'digest';
    hit = findBoundary(raw, bodyStart, limit, inner);
    while (hit && hit.level === own && !hit.close) {
      if (ctx.parts >= MAX_PARTS) {
        hit = findBoundary(raw, hit.lineNext, limit, inner);
        continue;
      }
      const child = parseEntity(ctx, { start: hit.lineNext, limit, stack: inner, digest, depth: bounds.depth + 1 });
      part.parts.push(child.part);
      hit = child.hit;
    }
    // A child whose header ran up to the delimiter keeps that line end; the body holds it.
    const lastChild = part.parts.at(-1);
    // RFC 2046 5.1.1: the epilogue after the close delimiter is part of this body; the
    // close delimiter keeps its line end (Dovecot counts it in the body).
    if (hit && hit.level === own) {
      const epilogue = hit.lineNext;
      hit = findBoundary(raw, epilogue, limit, stack);
      return finish(raw, part, hit, limit, epilogue);
    }
    return finish(raw, part, hit, limit, lastChild?.body.end);
  }
  if (isMessageType(part.contentType) && nestable) {
    // Parsed whatever its Content-Transfer-Encoding says (which RFC 2046 5.2.1 limits to
    // 7bit, 8bit or binary): an encoded one reads as a header without fields and an empty
    // body, which is what Dovecot shows for it.
    const inner = parseEntity(ctx, { start: bodyStart, limit, stack, digest: false, depth: bounds.depth + 1 });
    part.message = inner.part;
    part.body.end = inner.extent;
    part.lines = countLines(raw, bodyStart, part.body.end);
    return { part, hit: inner.hit, extent: part.body.end };
  }
  return finish(raw, part, findBoundary(raw, bodyStart, limit, stack), limit);
}

/**
 * Ends the body before the delimiter line `hit` and the line end that belongs to it (not
 * before `floor`), or at `limit`, and counts its lines.
 */
function finish(raw: Buffer, part: MimePart, hit: BoundaryHit | null, limit?: number, floor?: number): Parsed {
  const start = part.body.start;
  const min = floor ?? start;
  if (hit) part.body.end = Math.max(min, beforeLineEnd(raw, hit.lineStart, min));
  else if (limit !== undefined) part.body.end = limit;
  part.lines = countLines(raw, start, part.body.end);
  return { part, hit, extent: part.body.end };
}

/** message/rfc822, and RFC 6532's message/global, carry a message the server parses. */
export function isMessageType(ct: ContentType): boolean {
  return ct.type === 'message' && (ct.subtype === 'rfc822' || ct.subtype === 'global');
}

function describe(fields: HeaderField[], digest: boolean): MimePart {
  const rawEncoding = encoding(fields);
  return {
    header: { start: 0, end: 0 },
    headerTerminated: false,
    body: { start: 0, end: 0 },
    headers: fields,
    contentType: contentType(fields, digest),
    disposition: disposition(fields),
    contentId: firstValue(fields, 'content-id'),
    description: firstValue(fields, 'content-description'),
    encoding: rawEncoding?.toLowerCase() ?? null,
    rawEncoding,
    language: language(fields),
    location: firstValue(fields, 'content-location'),
    md5: firstValue(fields, 'content-md5'),
    lines: 0,
    parts: [],
    message: null,
  };
}

const defaultText = (): ContentType => ({
  type: 'text',
  subtype: 'plain',
  rawType: 'text',
  rawSubtype: 'plain',
  params: [['charset', 'us-ascii']],
});
const defaultMessage = (): ContentType => ({
  type: 'message',
  subtype: 'rfc822',
  rawType: 'message',
  rawSubtype: 'rfc822',
  params: [],
});

function contentType(fields: HeaderField[], digest: boolean): ContentType {
  const value = firstValue(fields, 'content-type');
  if (value === null) return digest ? defaultMessage() : defaultText();
  const parsed = parseParamValue(value);
  const slash = parsed.value.indexOf('/');
  const rawType = (slash === -1 ? parsed.value : parsed.value.slice(0, slash)).trim();
  const rawSubtype = slash === -1 ? '' : parsed.value.slice(slash + 1).trim();
  // RFC 2045 5.2: a Content-Type that cannot be read means text/plain; charset=us-ascii.
  // Dovecot keeps a lone type token ("text") with an empty subtype; so do we.
  if (!TOKEN.test(rawType) || (rawSubtype !== '' && !TOKEN.test(rawSubtype))) return defaultText();
  const type = rawType.toLowerCase();
  const subtype = rawSubtype.toLowerCase();
  const params = parsed.params;
  // RFC 2045 5.2: text without a charset is us-ascii; Dovecot adds that charset.
  if (type === 'text' && param(params, 'charset') === null) params.push(['charset', 'us-ascii']);
  // Dovecot writes message/rfc822 in lower case, whatever the header says.
  if (type === 'message' && subtype === 'rfc822') return { ...defaultMessage(), params };
  return { type, subtype, rawType, rawSubtype, params };
}

function disposition(fields: HeaderField[]): ContentDisposition | null {
  const value = firstValue(fields, 'content-disposition');
  if (value === null) return null;
  const parsed = parseParamValue(value);
  if (!TOKEN.test(parsed.value)) return null;
  return { value: parsed.value, params: parsed.params };
}

/** Content-Transfer-Encoding as written, comments aside (Dovecot shows even a broken one). */
function encoding(fields: HeaderField[]): string | null {
  const value = firstValue(fields, 'content-transfer-encoding');
  if (value === null) return null;
  const token = parseParamValue(value).value;
  return token === '' ? null : token;
}

/** RFC 3282 2: a comma-separated list of language tags. */
function language(fields: HeaderField[]): string[] | null {
  const value = firstValue(fields, 'content-language');
  if (value === null) return null;
  const tags = value
    .replace(/\([^)]*\)/g, '')
    .split(',')
    .map((t) => t.trim())
    .filter((t) => t.length > 0);
  return tags.length ? tags : null;
}

/** Counts LF bytes in `[start, end)`. */
export function countLines(raw: Buffer, start: number, end: number): number {
  let lines = 0;
  for (let at = raw.indexOf(0x0a, start); at !== -1 && at < end; at = raw.indexOf(0x0a, at + 1)) lines++;
  return lines;
}

/** A text/plain part without header fields, for an entity that is not parsed. */
function emptyPart(headerAt: number, body: MimePart['body']): MimePart {
  const part = describe([], false);
  part.header = { start: headerAt, end: headerAt };
  part.body = body;
  return part;
}
