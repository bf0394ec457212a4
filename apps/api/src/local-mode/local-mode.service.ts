import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Inject, Injectable } from '@nestjs/common';
import { AccountsService, ApiKeysService } from '@postern/accounts';
import { APP_CONFIG, AppConfig } from '@postern/config';
import { AddressesService, DomainsService } from '@postern/domains';

/** What `data/local-credentials.json` holds, for people and scripts. */
export interface LocalCredentials {
  address: string;
  password: string;
  apiKey: string;
  adminApiKey: string;
  httpUrl: string;
}

const LOCAL_ACCOUNT = 'postern';

/**
 * Local mode's ready-to-use setup: domain `localhost`, account `postern` with address
 * `postern@localhost`, a password, an account key and an admin key. Restarting reuses what
 * the credentials file holds as long as the database still accepts it.
 */
@Injectable()
export class LocalModeService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(DomainsService) private readonly domains: DomainsService,
    @Inject(AccountsService) private readonly accounts: AccountsService,
    @Inject(AddressesService) private readonly addresses: AddressesService,
    @Inject(ApiKeysService) private readonly apiKeys: ApiKeysService,
  ) {}

  get credentialsPath(): string {
    return join(this.config.dataDir, 'local-credentials.json');
  }

  async ensure(): Promise<LocalCredentials> {
    const saved = await this.readSaved();
    const domain = (await this.domains.find(this.config.hostname)) ?? (await this.domains.create({ name: this.config.hostname }));
    const address = `${LOCAL_ACCOUNT}@${domain.name}`;
    const account = await this.accounts.get(LOCAL_ACCOUNT).catch(() => this.accounts.create({ name: LOCAL_ACCOUNT }));
    if (!(await this.addresses.find(address))) await this.addresses.create({ address, accountId: account.id });

    let password = saved?.password;
    if (!password || !(await this.accounts.checkPassword(account.id, password))) {
      password = randomBytes(12).toString('base64url');
      await this.accounts.setPassword(account.id, password);
    }
    let apiKey = saved?.apiKey;
    const principal = apiKey ? await this.apiKeys.authenticate(apiKey) : null;
    if (!apiKey || principal?.accountId !== account.id) {
      apiKey = (await this.apiKeys.create({ name: 'local mode', scope: 'account', accountId: account.id })).key;
    }
    let adminApiKey = saved?.adminApiKey;
    const admin = adminApiKey ? await this.apiKeys.authenticate(adminApiKey) : null;
    if (!adminApiKey || admin?.scope !== 'admin') {
      adminApiKey = (await this.apiKeys.create({ name: 'local mode admin', scope: 'admin' })).key;
    }
    const credentials: LocalCredentials = { address, password, apiKey, adminApiKey, httpUrl: this.config.httpUrl };
    await this.save(credentials);
    return credentials;
  }

  private async readSaved(): Promise<Partial<LocalCredentials> | null> {
    try {
      return JSON.parse(await readFile(this.credentialsPath, 'utf8')) as Partial<LocalCredentials>;
    } catch {
      return null;
    }
  }

  private async save(credentials: LocalCredentials): Promise<void> {
    await mkdir(this.config.dataDir, { recursive: true, mode: 0o700 });
    const temp = `${this.credentialsPath}.${process.pid}.tmp`;
    await writeFile(temp, JSON.stringify(credentials, null, 2) + '\n', { mode: 0o600 });
    await rename(temp, this.credentialsPath);
  }
}
