import { lineEnd } from './headers';

/** A delimiter line found while scanning (RFC 2046 5.1.1). */
export interface BoundaryHit {
  /** Index into the boundary stack: which enclosing multipart it belongs to. */
  level: number;
  /** `--boundary--`: the close delimiter. */
  close: boolean;
  /** The delimiter line, `[lineStart, lineNext)`. */
  lineStart: number;
  lineNext: number;
}

const DASH = 0x2d;
const LF_DASHES = Buffer.from('\n--', 'latin1');

/**
 * Whether the line `[at, next)` is a delimiter of one of the enclosing multiparts, the
 * innermost first. As Dovecot does, the line only has to start with `--boundary`: text
 * after it (transport padding, or junk some mailers add) is ignored.
 */
export function matchBoundary(raw: Buffer, at: number, next: number, stack: Buffer[]): BoundaryHit | null {
  if (next - at < 2 || raw[at] !== DASH || raw[at + 1] !== DASH) return null;
  for (let level = stack.length - 1; level >= 0; level--) {
    const boundary = stack[level];
    const from = at + 2;
    if (next - from < boundary.length || raw.compare(boundary, 0, boundary.length, from, from + boundary.length) !== 0) continue;
    const after = from + boundary.length;
    const close = after + 1 < next && raw[after] === DASH && raw[after + 1] === DASH;
    return { level, close, lineStart: at, lineNext: next };
  }
  return null;
}

/** The first delimiter line at or after the line that starts at `from`, before `limit`. */
export function findBoundary(raw: Buffer, from: number, limit: number, stack: Buffer[]): BoundaryHit | null {
  if (stack.length === 0) return null;
  let at = from;
  while (at < limit) {
    const next = lineEnd(raw, at, limit);
    const hit = matchBoundary(raw, at, next, stack);
    if (hit) return hit;
    if (next >= limit) return null;
    // Only lines that start with "--" can be delimiters: jump to the next one.
    const candidate = raw.indexOf(LF_DASHES, next - 1);
    if (candidate === -1 || candidate + 1 >= limit) return null;
    at = candidate + 1;
  }
  return null;
}

/** Where the line end just before `at` starts (the CRLF or LF that belongs to a delimiter). */
export function beforeLineEnd(raw: Buffer, at: number, floor: number): number {
  let end = at;
  if (end > floor && raw[end - 1] === 0x0a) end--;
  if (end > floor && raw[end - 1] === 0x0d) end--;
  return end;
}
