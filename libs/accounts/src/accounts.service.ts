import { X509Certificate, createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { Account, AccountCredential, AccountTlsKey, Page, PageRequest, deleteOrphanBlobs, findPage, isUuid } from '@postern/db';
import { DomainError, ErrorCode, notFound } from '@postern/errors';
import { InvalidPasswordError, derivePasswordSecrets, verifyPassword } from '@postern/sasl';

export interface AccountSettings {
  quotaBytes?: number;
  messagesPerDay?: number;
  firstTimeRecipientsPerDay?: number;
  eventRetentionDays?: number;
  historyRetentionDays?: number;
  retrySchedule?: number[] | null;
  dsnForApiSends?: boolean;
  disabled?: boolean;
}

const ACCOUNT_NAME = /^[a-z0-9][a-z0-9._-]{0,63}$/;

/** base64 SHA-256 of a certificate's DER SubjectPublicKeyInfo (PEM or DER certificate), as stored for EXTERNAL. */
export function tlsKeyFingerprint(certificate: string | Buffer): string {
  const spki = new X509Certificate(certificate).publicKey.export({ type: 'spki', format: 'der' });
  return createHash('sha256').update(spki).digest('base64');
}

@Injectable()
export class AccountsService {
  constructor(@Inject(DataSource) private readonly db: DataSource) {}

  async create(input: { name: string; password?: string } & AccountSettings): Promise<Account> {
    const name = input.name.normalize('NFC').toLowerCase();
    if (!ACCOUNT_NAME.test(name)) {
      throw new DomainError(ErrorCode.ValidationFailed, `account name '${input.name}' is not valid`, [
        { field: 'name', message: 'must be 1-64 of a-z, 0-9, ".", "_", "-", starting with a letter or digit' },
      ]);
    }
    const secrets = input.password === undefined ? undefined : await this.derive(input.password);
    return this.db.transaction(async (tx) => {
      if (await tx.getRepository(Account).existsBy({ name })) {
        throw new DomainError(ErrorCode.AccountExists, `account '${name}' already exists`);
      }
      const { password: _password, ...settings } = input;
      const account = tx.getRepository(Account).create({ ...settings, name });
      await tx.getRepository(Account).insert(account);
      if (secrets) await this.saveSecrets(tx, account.id, secrets);
      return tx.getRepository(Account).findOneByOrFail({ id: account.id });
    });
  }

  list(page: PageRequest): Promise<Page<Account>> {
    return findPage(this.db.getRepository(Account), {}, page);
  }

  /** By id or by name; 404 when absent. */
  async get(idOrName: string): Promise<Account> {
    const repo = this.db.getRepository(Account);
    const account = isUuid(idOrName) ? await repo.findOneBy({ id: idOrName }) : await repo.findOneBy({ name: idOrName.toLowerCase() });
    if (!account) throw notFound('account', idOrName);
    return account;
  }

  async update(idOrName: string, settings: AccountSettings): Promise<Account> {
    const account = await this.get(idOrName);
    if (Object.keys(settings).length > 0) await this.db.getRepository(Account).update({ id: account.id }, settings);
    return this.get(account.id);
  }

  /** Deletes the account with its addresses, credentials and API keys. */
  async delete(idOrName: string): Promise<void> {
    const account = await this.get(idOrName);
    await this.db.transaction(async (tx) => {
      // Its mail goes with it (the rows cascade); so do the bytes nothing else refers to.
      const blobs: { blob_id: string }[] = await tx.query(
        `SELECT blob_id FROM mailbox_messages WHERE account_id = $1 UNION SELECT blob_id FROM outbound_messages WHERE account_id = $1`,
        [account.id],
      );
      await tx.getRepository(Account).delete({ id: account.id });
      await deleteOrphanBlobs(
        tx,
        blobs.map((b) => b.blob_id),
      );
    });
  }

  /** Replaces the account's password; only derived secrets are stored. */
  async setPassword(idOrName: string, password: string): Promise<void> {
    const account = await this.get(idOrName);
    const secrets = await this.derive(password);
    await this.db.transaction((tx) => this.saveSecrets(tx, account.id, secrets));
  }

  /** Checks a password (PLAIN/LOGIN) against the stored slow hash. */
  async checkPassword(accountId: string, password: string): Promise<boolean> {
    const credential = await this.db.getRepository(AccountCredential).findOneBy({ accountId });
    return credential ? verifyPassword(password, credential.passwordHash) : false;
  }

  /** Registers the public key of a TLS client certificate, so SASL EXTERNAL with it logs in as the account. */
  async addTlsKey(idOrName: string, certificate: string | Buffer, name = 'client certificate'): Promise<AccountTlsKey> {
    const account = await this.get(idOrName);
    let spkiSha256: string;
    try {
      spkiSha256 = tlsKeyFingerprint(certificate);
    } catch {
      throw new DomainError(ErrorCode.ValidationFailed, 'the certificate is not a PEM or DER X.509 certificate', [
        { field: 'certificate', message: 'not an X.509 certificate' },
      ]);
    }
    const repo = this.db.getRepository(AccountTlsKey);
    if (await repo.existsBy({ spkiSha256 })) throw new DomainError(ErrorCode.Conflict, 'this public key is already registered');
    const key = repo.create({ accountId: account.id, spkiSha256, name });
    await repo.insert(key);
    return repo.findOneByOrFail({ id: key.id });
  }

  /** The enabled account whose registered TLS key has this fingerprint, or null. */
  async findByTlsKey(spkiSha256: string): Promise<Account | null> {
    const key = await this.db.getRepository(AccountTlsKey).findOne({ where: { spkiSha256 }, relations: { account: true } });
    return key?.account && !key.account.disabled ? key.account : null;
  }

  credentials(accountId: string): Promise<AccountCredential | null> {
    return this.db.getRepository(AccountCredential).findOneBy({ accountId });
  }

  private async derive(password: string) {
    try {
      return await derivePasswordSecrets(password);
    } catch (err) {
      if (err instanceof InvalidPasswordError) {
        throw new DomainError(ErrorCode.InvalidPassword, err.message, [{ field: 'password', message: err.message }]);
      }
      throw err;
    }
  }

  private async saveSecrets(
    tx: EntityManager,
    accountId: string,
    secrets: Awaited<ReturnType<typeof derivePasswordSecrets>>,
  ): Promise<void> {
    await tx.getRepository(AccountCredential).upsert(
      {
        accountId,
        passwordHash: secrets.hash,
        scramSha1: secrets.scramSha1,
        scramSha256: secrets.scramSha256,
        cramMd5: secrets.cramMd5,
      },
      ['accountId'],
    );
  }
}
