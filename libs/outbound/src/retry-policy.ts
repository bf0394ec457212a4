/**
 * When to try again after a temporary failure. `attempts` is the number made so far; null
 * when the schedule is used up and the recipient fails. A small jitter (±5 %) keeps
 * recipients that failed together from retrying in lockstep.
 */
export function nextAttemptDelay(schedule: readonly number[], attempts: number, random: () => number = Math.random): number | null {
  if (attempts > schedule.length) return null;
  const base = schedule[attempts - 1] * 1000;
  return Math.round(base * (0.95 + random() * 0.1));
}

/**
 * Hard bounces suppress the address at once (the list: SMTP 521, 550, 551, 553, 556;
 * RFC 3463 5.1.1 bad mailbox, 5.1.2 bad domain, 5.1.3 bad address syntax, 5.1.6 mailbox moved,
 * 5.2.1 mailbox disabled).
 */
const HARD_CODES = new Set([521, 550, 551, 553, 556]);
const HARD_ENHANCED = new Set(['5.1.1', '5.1.2', '5.1.3', '5.1.6', '5.2.1']);

export function isHardBounce(code: number | null, enhanced: string | null): boolean {
  if (enhanced !== null && enhanced.startsWith('5.')) return HARD_ENHANCED.has(enhanced);
  return code !== null && HARD_CODES.has(code);
}

/** Failures in a row to one address that suppress it. */
export const REPEATED_FAILURE_LIMIT = 3;
