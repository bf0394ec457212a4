import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource, FindOptionsWhere, IsNull } from 'typeorm';
import { Account, ApiKey, ApiKeyScope, Page, PageRequest, findPage, isUuid } from '@postern/db';
import { DomainError, ErrorCode, notFound } from '@postern/errors';

/** What an authenticated request acts as. */
export interface Principal {
  keyId: string;
  scope: ApiKeyScope;
  /** Set for account keys. */
  accountId: string | null;
}

export interface CreatedApiKey {
  apiKey: ApiKey;
  /** The full key: shown once, never stored. */
  key: string;
}

// Keys look like `pst_<12 chars id>_<32 chars secret>` (both base64url, which may contain `_`);
// the first 16 characters are the prefix kept for display and lookup.
const KEY_FORMAT = /^(pst_[A-Za-z0-9_-]{12})_([A-Za-z0-9_-]{32})$/;
// Writing last_used_at on every request would make every read a write; once a minute is enough.
const LAST_USED_RESOLUTION_MS = 60_000;

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

@Injectable()
export class ApiKeysService {
  constructor(@Inject(DataSource) private readonly db: DataSource) {}

  async create(input: { name: string; scope: ApiKeyScope; accountId?: string | null }): Promise<CreatedApiKey> {
    if (input.scope === 'account' && !input.accountId) {
      throw new DomainError(ErrorCode.ValidationFailed, 'an account key needs an accountId', [
        { field: 'accountId', message: 'required when scope is account' },
      ]);
    }
    if (input.scope === 'admin' && input.accountId) {
      throw new DomainError(ErrorCode.ValidationFailed, 'an admin key belongs to no account', [
        { field: 'accountId', message: 'must be absent when scope is admin' },
      ]);
    }
    let accountId: string | null = null;
    if (input.accountId) {
      const account = isUuid(input.accountId)
        ? await this.db.getRepository(Account).findOneBy({ id: input.accountId })
        : await this.db.getRepository(Account).findOneBy({ name: input.accountId.toLowerCase() });
      if (!account) throw new DomainError(ErrorCode.UnknownAccount, `account '${input.accountId}' does not exist`);
      accountId = account.id;
    }
    const prefix = `pst_${randomBytes(9).toString('base64url')}`;
    const secret = randomBytes(24).toString('base64url');
    const key = `${prefix}_${secret}`;
    const repo = this.db.getRepository(ApiKey);
    const apiKey = repo.create({
      name: input.name,
      scope: input.scope,
      accountId,
      prefix,
      secretHash: sha256(key),
      lastUsedAt: null,
      revokedAt: null,
    });
    await repo.insert(apiKey);
    return { apiKey: await repo.findOneByOrFail({ id: apiKey.id }), key };
  }

  /** Lists keys, optionally of one account; revoked keys are included with their revocation time. */
  list(filter: { accountId?: string }, page: PageRequest): Promise<Page<ApiKey>> {
    const where: FindOptionsWhere<ApiKey> = filter.accountId ? { accountId: filter.accountId } : {};
    return findPage(this.db.getRepository(ApiKey), where, page);
  }

  /** A key by id; when `accountId` is given, a key of another account is "not found". */
  async get(id: string, accountId?: string): Promise<ApiKey> {
    const key = isUuid(id) ? await this.db.getRepository(ApiKey).findOneBy({ id }) : null;
    if (!key || (accountId !== undefined && key.accountId !== accountId)) throw notFound('API key', id);
    return key;
  }

  async revoke(id: string, accountId?: string): Promise<ApiKey> {
    const key = await this.get(id, accountId);
    if (!key.revokedAt) {
      await this.db.getRepository(ApiKey).update({ id: key.id, revokedAt: IsNull() }, { revokedAt: new Date() });
    }
    return this.get(id);
  }

  /** Checks a presented key; returns null for unknown, malformed or revoked keys. */
  async authenticate(presented: string): Promise<Principal | null> {
    const match = KEY_FORMAT.exec(presented);
    if (!match) return null;
    const key = await this.db.getRepository(ApiKey).findOneBy({ prefix: match[1] });
    if (!key || key.revokedAt) return null;
    const expected = Buffer.from(key.secretHash, 'hex');
    if (!timingSafeEqual(expected, Buffer.from(sha256(presented), 'hex'))) return null;
    const now = Date.now();
    if (!key.lastUsedAt || now - key.lastUsedAt.getTime() > LAST_USED_RESOLUTION_MS) {
      await this.db.getRepository(ApiKey).update({ id: key.id }, { lastUsedAt: new Date(now) });
    }
    return { keyId: key.id, scope: key.scope, accountId: key.accountId };
  }
}
