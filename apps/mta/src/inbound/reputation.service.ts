import { Inject, Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { SenderReputation } from '@postern/db';

export type SenderOutcome = 'delivered' | 'junk' | 'rejected';

/** Earlier inbound mail per sender domain: first-time senders and how they authenticated. */
@Injectable()
export class SenderReputationService {
  constructor(@Inject(DataSource) private readonly db: DataSource) {}

  get(domain: string): Promise<SenderReputation | null> {
    return this.db.getRepository(SenderReputation).findOneBy({ domain: domain.toLowerCase() });
  }

  /** Counts one message in one statement, so concurrent sessions never lose an update. */
  async record(
    domain: string,
    input: { authenticated: boolean; outcome: SenderOutcome; result: string },
    manager: EntityManager = this.db.manager,
  ): Promise<void> {
    const one = (on: boolean) => (on ? 1 : 0);
    await manager.query(
      `INSERT INTO sender_reputation (domain, messages, authenticated, failed, rejected, junk, last_result)
       VALUES ($1, 1, $2, $3, $4, $5, $6)
       ON CONFLICT (domain) DO UPDATE SET
         messages = sender_reputation.messages + 1,
         authenticated = sender_reputation.authenticated + EXCLUDED.authenticated,
         failed = sender_reputation.failed + EXCLUDED.failed,
         rejected = sender_reputation.rejected + EXCLUDED.rejected,
         junk = sender_reputation.junk + EXCLUDED.junk,
         last_result = EXCLUDED.last_result,
         last_seen_at = now()`,
      [
        domain.toLowerCase(),
        one(input.authenticated),
        one(!input.authenticated),
        one(input.outcome === 'rejected'),
        one(input.outcome === 'junk'),
        input.result,
      ],
    );
  }
}

/** `sender=example.org seen=3 authenticated=3 failed=0` or `sender=example.org first-time`. */
export function reputationLine(domain: string | null, row: SenderReputation | null): string {
  if (!domain) return 'sender=unknown';
  if (!row) return `sender=${domain} first-time`;
  return `sender=${domain} seen=${row.messages} authenticated=${row.authenticated} failed=${row.failed} junk=${row.junk} rejected=${row.rejected}`;
}
