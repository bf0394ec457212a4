import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { APP_CONFIG, AppConfig } from '@postern/config';
import { Account, Address, Alias, Domain, OutboundMessage } from '@postern/db';
import { ParsedAddress, parseAddress } from '@postern/domains';
import { SmtpReplyError } from '@postern/smtp';

/** An address mail is delivered to: a configured address of an account. */
export interface DeliveryTarget {
  accountId: string;
  /** Null for the account of a sent message whose envelope sender has no address of its own. */
  addressId: string | null;
  /** The configured address, `local@domain` (empty local part: the catch-all). */
  address: string;
}

export type RecipientKind = 'address' | 'subaddress' | 'catchall' | 'alias' | 'postmaster' | 'bounce';

export interface ResolvedRecipient {
  /** The RCPT TO address as given. */
  recipient: string;
  kind: RecipientKind;
  targets: DeliveryTarget[];
}

const POSTMASTER = 'postmaster';

/** RFC 5321 4.5.3.1.5 / 4.2.2 (RFC 3463 5.1.1): no such user. */
export function unknownRecipient(address: string): SmtpReplyError {
  return new SmtpReplyError(550, '5.1.1', `<${address}>: no such mailbox here`);
}

/**
 * Resolves an RCPT TO address to the accounts that receive it: a configured address, the
 * address without its sub-address (`user+tag@`, the domain's separator), an alias (each
 * member once; an alias that is not `postPublic` takes mail only from its members), the
 * domain's catch-all, and `postmaster@` every domain and the host name (RFC 5321 4.5.1),
 * which reaches the domain's configured postmaster address, else its catch-all, else its
 * oldest address. A unique envelope sender of a sent message (`local+<16 hex>@domain`) is a
 * `bounce` recipient: DSNs and complaints to it go to the bounce matcher.
 */
@Injectable()
export class RecipientResolver {
  constructor(
    @Inject(DataSource) private readonly db: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Throws SmtpReplyError (550 5.1.1 unknown, 550 5.7.1 members only, 550 5.2.1 disabled). */
  async resolve(recipient: string, mailFrom: string): Promise<ResolvedRecipient> {
    let parsed: ParsedAddress;
    try {
      parsed = parseAddress(recipient);
    } catch {
      throw new SmtpReplyError(553, '5.1.3', `<${recipient}>: not a valid address`);
    }
    if (parsed.localpartKey === POSTMASTER && parsed.domain.ascii === this.config.hostname) {
      const domain = await this.db.getRepository(Domain).findOne({ where: {}, order: { createdAt: 'ASC' } });
      if (!domain) throw unknownRecipient(recipient);
      return this.postmaster(recipient, domain);
    }
    const domain = await this.db.getRepository(Domain).findOneBy({ name: parsed.domain.ascii });
    if (!domain || domain.disabled) {
      // RFC 5321 3.6.2: mail for a domain we do not serve is a relay attempt.
      throw new SmtpReplyError(550, '5.7.1', `<${recipient}>: relay access denied`);
    }
    const direct = await this.exact(recipient, domain, parsed.localpartKey, mailFrom, 'address');
    if (direct) return direct;
    const separator = domain.catchallSeparator;
    if (separator && parsed.localpartKey.includes(separator.toLowerCase())) {
      const [base] = parsed.localpartKey.split(separator.toLowerCase());
      const bounce = await this.bounceAddress(recipient, separator);
      if (base) {
        const sub = await this.exact(recipient, domain, base, mailFrom, 'subaddress');
        if (sub) return bounce ? { ...sub, kind: 'bounce' } : sub;
      }
      // Not a DSN after all (a person replying to the envelope sender) still reaches the sender's account.
      if (bounce)
        return {
          recipient,
          kind: 'bounce',
          targets: [{ ...bounce, addressId: null, address: recipient }],
        };
    }
    const catchall = await this.address(domain, '');
    if (catchall) return { recipient, kind: 'catchall', targets: [await this.target(catchall, domain)] };
    if (parsed.localpartKey === POSTMASTER) return this.postmaster(recipient, domain);
    throw unknownRecipient(recipient);
  }

  private async exact(
    recipient: string,
    domain: Domain,
    localpartKey: string,
    mailFrom: string,
    kind: 'address' | 'subaddress',
  ): Promise<ResolvedRecipient | null> {
    const address = await this.address(domain, localpartKey);
    if (address) return { recipient, kind, targets: [await this.target(address, domain)] };
    const alias = await this.db.getRepository(Alias).findOne({
      where: { domainId: domain.id, localpartKey },
      relations: { members: { address: { domain: true } } },
    });
    if (!alias) return null;
    const members = (alias.members ?? []).flatMap((m) => (m.address ? [m.address] : []));
    if (!alias.postPublic && !members.some((a) => sameAddress(a, mailFrom))) {
      throw new SmtpReplyError(550, '5.7.1', `<${recipient}>: only members may send to this list`);
    }
    const targets: DeliveryTarget[] = [];
    for (const member of members) {
      const account = await this.db.getRepository(Account).findOneBy({ id: member.accountId });
      if (account && !account.disabled) targets.push(toTarget(member, member.domain?.name ?? domain.name));
    }
    if (targets.length === 0) throw unknownRecipient(recipient);
    return { recipient, kind: 'alias', targets };
  }

  private async postmaster(recipient: string, domain: Domain): Promise<ResolvedRecipient> {
    const address =
      (await this.address(domain, POSTMASTER)) ??
      (await this.address(domain, '')) ??
      (await this.db.getRepository(Address).findOne({ where: { domainId: domain.id }, order: { createdAt: 'ASC' } }));
    if (!address) throw unknownRecipient(recipient);
    return { recipient, kind: 'postmaster', targets: [await this.target(address, domain)] };
  }

  private address(domain: Domain, localpartKey: string): Promise<Address | null> {
    return this.db.getRepository(Address).findOneBy({ domainId: domain.id, localpartKey });
  }

  private async target(address: Address, domain: Domain): Promise<DeliveryTarget> {
    const account = await this.db.getRepository(Account).findOneBy({ id: address.accountId });
    if (!account || account.disabled) {
      throw new SmtpReplyError(550, '5.2.1', `<${address.localpart}@${domain.name}>: mailbox disabled`);
    }
    return toTarget(address, domain.name);
  }

  /** The outbound message whose envelope sender is this address (libs/outbound: `local<sep><16 hex>@domain`). */
  private async bounceAddress(recipient: string, separator: string): Promise<{ messageId: string; accountId: string } | undefined> {
    const local = recipient.slice(0, recipient.lastIndexOf('@'));
    const tag = local.slice(local.lastIndexOf(separator) + separator.length);
    if (!/^[0-9a-f]{16}$/i.test(tag)) return undefined;
    const message = await this.db
      .getRepository(OutboundMessage)
      .createQueryBuilder('m')
      .select(['m.id', 'm.accountId'])
      .where('lower(m.mail_from) = lower(:rcpt)', { rcpt: recipient })
      .getOne();
    return message ? { messageId: message.id, accountId: message.accountId } : undefined;
  }
}

function toTarget(address: Address, domainName: string): DeliveryTarget {
  return { accountId: address.accountId, addressId: address.id, address: `${address.localpart}@${domainName}` };
}

function sameAddress(address: Address & { domain?: Domain }, other: string): boolean {
  if (!address.domain) return false;
  try {
    const parsed = parseAddress(other);
    return parsed.localpartKey === address.localpartKey && parsed.domain.ascii === address.domain.name;
  } catch {
    return false;
  }
}
