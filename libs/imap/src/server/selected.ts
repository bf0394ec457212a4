import { STAR, SequenceSet } from '../protocol/command';
import { ImapValue, atom } from '../protocol/value';
import { bad } from './errors';
import { SYSTEM_FLAGS, formatSet } from './format';
import { ImapMailbox, ImapMessage, ImapStore } from './store';

/** Untagged responses to send: built by a sync, written by the session. */
export type Untagged = ImapValue[];

/**
 * The session's view of its selected mailbox (RFC 9051 2.3.1.2): the UIDs in sequence-number
 * order and the modseq of each as this session last reported it. The view changes only when
 * the session tells the client (EXISTS, EXPUNGE/VANISHED, FETCH), so numbers stay consistent.
 */
export class SelectedMailbox {
  uids: number[];
  private modseqs = new Map<number, bigint>();
  /** Everything up to this modseq has been reported (or deliberately skipped). */
  syncedModseq: bigint;
  /** Keywords announced in FLAGS so far (RFC 9051 7.3.5: a new one means a new FLAGS response). */
  readonly keywords: Set<string>;
  /** A change notice arrived (or we changed it ourselves) since the last sync. */
  dirty = false;

  constructor(
    readonly mailbox: ImapMailbox,
    messages: ImapMessage[],
    readonly readOnly: boolean,
  ) {
    this.uids = messages.map((m) => m.uid).sort((a, b) => a - b);
    for (const m of messages) this.modseqs.set(m.uid, m.modseq);
    this.syncedModseq = mailbox.highestModseq;
    this.keywords = new Set(mailbox.keywords.filter((k) => !k.startsWith('\\')));
  }

  /** FLAGS and PERMANENTFLAGS for the mailbox as the client should know it. */
  flagResponses(): Untagged[] {
    const flags = [...SYSTEM_FLAGS, ...this.keywords];
    return [
      [atom('FLAGS'), flags.map(atom)],
      [atom('OK'), atom(`[PERMANENTFLAGS (${this.readOnly ? '' : [...flags, '\\*'].join(' ')})]`), atom('flags permitted')],
    ];
  }

  /** Records keywords seen on messages; true when one is new to the client. */
  learnKeywords(flags: string[]): boolean {
    let added = false;
    for (const flag of flags) {
      if (flag.startsWith('\\') || this.keywords.has(flag)) continue;
      this.keywords.add(flag);
      added = true;
    }
    return added;
  }

  get id(): string {
    return this.mailbox.id;
  }

  get count(): number {
    return this.uids.length;
  }

  seqOf(uid: number): number {
    let lo = 0;
    let hi = this.uids.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (this.uids[mid] === uid) return mid + 1;
      if (this.uids[mid] < uid) lo = mid + 1;
      else hi = mid - 1;
    }
    return 0;
  }

  noteModseq(uid: number, modseq: bigint): void {
    if (this.seqOf(uid) > 0) this.modseqs.set(uid, modseq);
  }

  /** Removes a uid from the view; returns its sequence number before removal (0 if absent). */
  remove(uid: number): number {
    const seq = this.seqOf(uid);
    if (seq > 0) {
      this.uids.splice(seq - 1, 1);
      this.modseqs.delete(uid);
    }
    return seq;
  }

  /** UIDs a sequence set names, ascending (RFC 9051 9: `*` is the largest number in use). */
  resolve(set: SequenceSet, byUid: boolean, saved: number[]): number[] {
    if (set.saved) {
      const known = new Set(saved);
      return this.uids.filter((uid) => known.has(uid));
    }
    if (this.uids.length === 0) return [];
    if (byUid) {
      const max = this.uids[this.uids.length - 1];
      const ranges = set.ranges.map(([a, b]) => {
        const x = a === STAR ? max : a;
        const y = b === STAR ? max : b;
        return [Math.min(x, y), Math.max(x, y)] as const;
      });
      return this.uids.filter((uid) => ranges.some(([lo, hi]) => uid >= lo && uid <= hi));
    }
    const picked = new Set<number>();
    for (const [a, b] of set.ranges) {
      const x = a === STAR ? this.count : a;
      const y = b === STAR ? this.count : b;
      const lo = Math.min(x, y);
      const hi = Math.max(x, y);
      // RFC 9051 6.4.8 / 9: a sequence number past the last message is invalid.
      if (hi > this.count) throw bad(`no message with sequence number ${hi} (${this.count} exist)`);
      for (let seq = lo; seq <= hi; seq++) picked.add(this.uids[seq - 1]);
    }
    return [...picked].sort((p, q) => p - q);
  }

  /** A membership test for a client's UID set, where `*` has no meaning beyond "large" (RFC 7162 3.2.5). */
  resolveKnown(set: SequenceSet): (uid: number) => boolean {
    if (set.saved) return () => true;
    const ranges = set.ranges.map(([a, b]) => {
      const x = a === STAR ? Number.MAX_SAFE_INTEGER : a;
      const y = b === STAR ? Number.MAX_SAFE_INTEGER : b;
      return [Math.min(x, y), Math.max(x, y)] as const;
    });
    return (uid) => ranges.some(([lo, hi]) => uid >= lo && uid <= hi);
  }

  /**
   * Brings the view up to date with the store and returns the untagged responses that tell the
   * client: EXISTS for new messages, FETCH for flag changes this session has not reported, and
   * EXPUNGE (or VANISHED with QRESYNC) only when `allowExpunge` (RFC 9051 7.5.1: never during
   * FETCH, STORE or SEARCH by sequence number). Deferred expunges keep `syncedModseq` back.
   */
  async sync(store: ImapStore, options: { allowExpunge: boolean; qresync: boolean; condstore: boolean }): Promise<Untagged[]> {
    this.dirty = false;
    const changes = await store.changesSince(this.id, this.syncedModseq);
    const out: Untagged[] = [];
    let deferred = false;
    const gone = changes.expunged.filter((uid) => this.seqOf(uid) > 0);
    if (gone.length > 0) {
      if (options.allowExpunge) {
        if (options.qresync) {
          for (const uid of gone) this.remove(uid);
          out.push([atom('VANISHED'), atom(formatSet(gone))]);
        } else {
          for (const uid of gone) out.push([this.remove(uid), atom('EXPUNGE')]);
        }
      } else {
        deferred = true;
        this.dirty = true;
      }
    }
    const expunged = new Set(changes.expunged);
    const added: ImapMessage[] = [];
    const flagged: ImapMessage[] = [];
    for (const message of changes.changed) {
      if (expunged.has(message.uid)) continue;
      const known = this.modseqs.get(message.uid);
      if (known === undefined) {
        if (this.seqOf(message.uid) === 0) added.push(message);
      } else if (message.modseq > known) {
        flagged.push(message);
      }
    }
    if (added.length > 0) {
      for (const m of added.sort((a, b) => a.uid - b.uid)) {
        if (this.uids.length === 0 || m.uid > this.uids[this.uids.length - 1]) this.uids.push(m.uid);
        else this.uids.splice(this.insertAt(m.uid), 0, m.uid);
        this.modseqs.set(m.uid, m.modseq);
      }
      out.push([this.count, atom('EXISTS')]);
    }
    if ([...added, ...flagged].map((m) => this.learnKeywords(m.flags)).some(Boolean)) out.unshift(...this.flagResponses());
    for (const m of flagged) {
      this.modseqs.set(m.uid, m.modseq);
      const items: ImapValue[] = [atom('UID'), m.uid, atom('FLAGS'), m.flags.map(atom)];
      if (options.condstore) items.push(atom('MODSEQ'), [m.modseq]);
      out.push([this.seqOf(m.uid), atom('FETCH'), items]);
    }
    if (!deferred && changes.highestModseq > this.syncedModseq) this.syncedModseq = changes.highestModseq;
    return out;
  }

  private insertAt(uid: number): number {
    let i = 0;
    while (i < this.uids.length && this.uids[i] < uid) i++;
    return i;
  }
}
