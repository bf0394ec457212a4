import { Redis } from 'ioredis';
import type { MailboxChangeNotice } from './types';

type Listener = (notice: MailboxChangeNotice) => void;

/**
 * Change notification across processes and machines: every committed change to a mailbox is
 * published on the account's Redis channel; IMAP sessions subscribe per account and then read
 * what changed from PostgreSQL (`changesSince`), so a lost notice only delays an update until
 * the session's next command.
 */
export class MailboxNotifier {
  private subscriber: Redis | null = null;
  private readonly listeners = new Map<string, Set<Listener>>();

  constructor(
    private readonly publisher: Redis,
    private readonly prefix: string,
    /** Makes the subscriber connection (pub/sub needs a connection of its own). */
    private readonly connect: () => Redis,
  ) {}

  private channel(accountId: string): string {
    return `${this.prefix}:mailbox-changes:${accountId}`;
  }

  async publish(notice: MailboxChangeNotice): Promise<void> {
    await this.publisher.publish(this.channel(notice.accountId), JSON.stringify(notice));
  }

  /** Calls `listener` for every change to the account's mailboxes; resolves to an unsubscribe. */
  async subscribe(accountId: string, listener: Listener): Promise<() => Promise<void>> {
    const channel = this.channel(accountId);
    let set = this.listeners.get(channel);
    if (!set) {
      set = new Set();
      this.listeners.set(channel, set);
      await this.ensureSubscriber().subscribe(channel);
    }
    set.add(listener);
    return async () => {
      const current = this.listeners.get(channel);
      if (!current?.delete(listener) || current.size > 0) return;
      this.listeners.delete(channel);
      await this.subscriber?.unsubscribe(channel);
    };
  }

  private ensureSubscriber(): Redis {
    if (!this.subscriber) {
      const sub = this.connect();
      sub.on('message', (channel: string, message: string) => {
        const set = this.listeners.get(channel);
        if (!set) return;
        let notice: MailboxChangeNotice;
        try {
          notice = JSON.parse(message) as MailboxChangeNotice;
        } catch {
          return;
        }
        for (const listener of set) listener(notice);
      });
      this.subscriber = sub;
    }
    return this.subscriber;
  }

  close(): void {
    this.publisher.disconnect();
    this.subscriber?.disconnect();
    this.subscriber = null;
    this.listeners.clear();
  }
}
