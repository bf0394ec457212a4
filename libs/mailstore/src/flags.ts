import type { FlagOperation } from './types';

/** RFC 9051 2.3.2 system flags, in their canonical spelling. `\Recent` is gone in IMAP4rev2. */
const SYSTEM_FLAGS = ['\\Seen', '\\Answered', '\\Flagged', '\\Deleted', '\\Draft'];
const SYSTEM_BY_LOWER = new Map(SYSTEM_FLAGS.map((f) => [f.toLowerCase(), f]));

export const SEEN = '\\Seen';
export const DELETED = '\\Deleted';

/**
 * Canonical, de-duplicated flags: system flags in their RFC spelling, keywords as first
 * given (flag names are case-insensitive, RFC 9051 2.3.2). Unknown backslash flags and
 * `\Recent` are dropped: a client may not set them.
 */
export function normalizeFlags(flags: readonly string[]): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const flag of flags) {
    const lower = flag.toLowerCase();
    const canonical = lower.startsWith('\\') ? SYSTEM_BY_LOWER.get(lower) : flag;
    if (!canonical || seen.has(lower)) continue;
    seen.add(lower);
    out.push(canonical);
  }
  return out;
}

export function hasFlag(flags: readonly string[], flag: string): boolean {
  const lower = flag.toLowerCase();
  return flags.some((f) => f.toLowerCase() === lower);
}

/** STORE FLAGS / +FLAGS / -FLAGS (RFC 9051 6.4.6) applied to one message's flags. */
export function applyFlagOperation(current: readonly string[], operation: FlagOperation, flags: readonly string[]): string[] {
  const given = normalizeFlags(flags);
  switch (operation) {
    case 'replace':
      return given;
    case 'add':
      return normalizeFlags([...current, ...given]);
    case 'remove': {
      const drop = new Set(given.map((f) => f.toLowerCase()));
      return current.filter((f) => !drop.has(f.toLowerCase()));
    }
  }
}

export function sameFlags(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  const lower = new Set(a.map((f) => f.toLowerCase()));
  return b.every((f) => lower.has(f.toLowerCase()));
}

export function keywordsOf(flags: readonly string[]): string[] {
  return flags.filter((f) => !f.startsWith('\\'));
}
