import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { MailboxRule } from '@postern/db';
import { HeaderField } from '@postern/mime';

/** The first of an account's rules (oldest first) that matches the sender or a header, or null. */
export function matchRule(rules: MailboxRule[], input: { mailFrom: string; headers: HeaderField[] }): MailboxRule | null {
  for (const rule of rules) {
    const needle = rule.contains.toLowerCase();
    if (rule.field === 'sender') {
      // The envelope sender or the From header: whichever the user knows the sender by.
      const from = input.headers.filter((h) => h.name.toLowerCase() === 'from').map((h) => h.value.toLowerCase());
      if (input.mailFrom.toLowerCase().includes(needle) || from.some((v) => v.includes(needle))) return rule;
      continue;
    }
    const name = (rule.header ?? '').toLowerCase();
    if (input.headers.some((h) => h.name.toLowerCase() === name && h.value.toLowerCase().includes(needle))) return rule;
  }
  return null;
}

@Injectable()
export class MailboxRulesReader {
  constructor(@Inject(DataSource) private readonly db: DataSource) {}

  forAccount(accountId: string): Promise<MailboxRule[]> {
    return this.db.getRepository(MailboxRule).find({ where: { accountId }, order: { id: 'ASC' } });
  }
}
