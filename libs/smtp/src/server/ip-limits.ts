import { ipGroups } from './ip-groups';

/** Limits per remote network. Each is for one host (/32, /64); the wider groups get 4× and 16× of it. */
export interface SmtpLimits {
  connectionsPerMinute: number;
  concurrentConnections: number;
  messagesPerMinute: number;
  messagesPerDay: number;
  bytesPerMinute: number;
  bytesPerDay: number;
  /** Failed AUTH attempts from one address before each further reply is delayed. */
  authFailuresBeforeDelay: number;
  /** Delay added per failure past `authFailuresBeforeDelay` (capped at 10×). */
  authFailureDelayMs: number;
  /** Failed AUTH attempts per hour from one address after which AUTH is refused. */
  authFailuresPerHour: number;
  /** Idle time allowed while waiting for the client (RFC 5321 4.5.3.2: at least 5 minutes for commands). */
  idleTimeoutMs: number;
}

export const DEFAULT_SMTP_LIMITS: SmtpLimits = {
  connectionsPerMinute: 300,
  concurrentConnections: 50,
  messagesPerMinute: 1000,
  messagesPerDay: 100_000,
  bytesPerMinute: 1024 * 1024 * 1024,
  bytesPerDay: 20 * 1024 * 1024 * 1024,
  authFailuresBeforeDelay: 3,
  authFailureDelayMs: 1000,
  authFailuresPerHour: 30,
  idleTimeoutMs: 300_000,
};

const GROUP_FACTORS = [1, 4, 16];
const MINUTE = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;

/** Why a limit refused, with the setting that decides it (named in the reply). */
export interface LimitExceeded {
  what: string;
  group: string;
  limit: number;
}

/**
 * Counters per remote network, in memory (one listener process). Fixed windows: a minute,
 * an hour, a day. The clock is injectable for tests.
 */
export class IpLimiter {
  private readonly counters = new Map<string, { value: number; expires: number }>();
  private readonly concurrent = new Map<string, number>();

  constructor(
    readonly limits: SmtpLimits,
    private readonly now: () => number = Date.now,
  ) {}

  private add(kind: string, group: string, window: number, amount: number): number {
    const now = this.now();
    const start = Math.floor(now / window) * window;
    const key = `${kind}\0${group}\0${start}`;
    const entry = this.counters.get(key) ?? { value: 0, expires: start + window };
    entry.value += amount;
    this.counters.set(key, entry);
    if (this.counters.size > 100_000) this.prune(now);
    return entry.value;
  }

  private prune(now: number): void {
    for (const [key, entry] of this.counters) if (entry.expires <= now) this.counters.delete(key);
  }

  private exceeded(kind: string, groups: string[], window: number, base: number, amount: number, what: string): LimitExceeded | null {
    let result: LimitExceeded | null = null;
    groups.forEach((group, i) => {
      const limit = base * GROUP_FACTORS[i];
      const value = this.add(kind, group, window, amount);
      if (!result && value > limit) result = { what, group, limit };
    });
    return result;
  }

  /** A new connection: counts it and says whether it is over the rate or the concurrency limit. Call `release` when it closes unless refused. */
  connect(address: string): LimitExceeded | null {
    const groups = ipGroups(address);
    const rate = this.exceeded('conn', groups, MINUTE, this.limits.connectionsPerMinute, 1, 'connections per minute');
    if (rate) return rate;
    for (const [i, group] of groups.entries()) {
      const limit = this.limits.concurrentConnections * GROUP_FACTORS[i];
      if ((this.concurrent.get(group) ?? 0) >= limit) return { what: 'concurrent connections', group, limit };
    }
    for (const group of groups) this.concurrent.set(group, (this.concurrent.get(group) ?? 0) + 1);
    return null;
  }

  release(address: string): void {
    for (const group of ipGroups(address)) {
      const left = (this.concurrent.get(group) ?? 1) - 1;
      if (left <= 0) this.concurrent.delete(group);
      else this.concurrent.set(group, left);
    }
  }

  /** At MAIL FROM: counts one message and says whether a message or byte limit is already reached. */
  startMessage(address: string): LimitExceeded | null {
    const groups = ipGroups(address);
    return (
      this.exceeded('msg-m', groups, MINUTE, this.limits.messagesPerMinute, 1, 'messages per minute') ??
      this.exceeded('msg-d', groups, DAY, this.limits.messagesPerDay, 1, 'messages per day') ??
      this.exceeded('bytes-m', groups, MINUTE, this.limits.bytesPerMinute, 0, 'bytes per minute') ??
      this.exceeded('bytes-d', groups, DAY, this.limits.bytesPerDay, 0, 'bytes per day')
    );
  }

  /** After DATA: counts the message's bytes (the next MAIL FROM sees them). */
  addBytes(address: string, bytes: number): void {
    const groups = ipGroups(address);
    this.exceeded('bytes-m', groups, MINUTE, this.limits.bytesPerMinute, bytes, '');
    this.exceeded('bytes-d', groups, DAY, this.limits.bytesPerDay, bytes, '');
  }

  /** Records a failed AUTH and returns the failures from this address in the current hour. */
  authFailed(address: string): number {
    return this.add('auth', address, HOUR, 1);
  }

  authFailures(address: string): number {
    return this.add('auth', address, HOUR, 0);
  }

  /** How long to hold the reply to an AUTH from this address (0 below the threshold). */
  authDelayMs(address: string): number {
    const over = this.authFailures(address) - this.limits.authFailuresBeforeDelay;
    return over < 0 ? 0 : Math.min(over + 1, 10) * this.limits.authFailureDelayMs;
  }
}
