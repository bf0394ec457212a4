import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { APP_CONFIG, AppConfig } from '@postern/config';
import { MailEventType, Page, PageRequest, WebhookEndpoint, findPage } from '@postern/db';
import { DomainError, ErrorCode, notFound } from '@postern/errors';
import { privateAddressOf } from './address-policy';
import { generateWebhookSecret } from './signature';

export interface EndpointInput {
  url?: string;
  events?: MailEventType[] | null;
  description?: string | null;
  enabled?: boolean;
}

/** An account's webhook endpoints: where its events go, and the secrets that sign them. */
@Injectable()
export class WebhookEndpointsService {
  constructor(
    @Inject(DataSource) private readonly db: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Refuses non-HTTP URLs and, unless allowed, hosts on loopback or private networks. */
  async checkUrl(raw: string): Promise<URL> {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      throw new DomainError(ErrorCode.ValidationFailed, `'${raw}' is not a URL`, [
        { field: 'url', message: 'must be an http or https URL' },
      ]);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new DomainError(ErrorCode.ValidationFailed, `'${raw}' is not http or https`, [
        { field: 'url', message: 'must be an http or https URL' },
      ]);
    }
    if (!this.config.webhooks.allowPrivate) {
      let blocked: string | null;
      try {
        blocked = await privateAddressOf(url);
      } catch {
        throw new DomainError(ErrorCode.InvalidWebhookUrl, `the host of '${raw}' cannot be resolved`);
      }
      if (blocked) {
        throw new DomainError(
          ErrorCode.InvalidWebhookUrl,
          `'${url.hostname}' resolves to ${blocked}, a loopback or private address; set POSTERN_WEBHOOKS_ALLOW_PRIVATE=true to allow it`,
        );
      }
    }
    return url;
  }

  async create(accountId: string, input: EndpointInput & { url: string }): Promise<WebhookEndpoint> {
    await this.checkUrl(input.url);
    const endpoint = this.db.getRepository(WebhookEndpoint).create({
      accountId,
      url: input.url,
      events: input.events?.length ? input.events : null,
      description: input.description ?? null,
      enabled: input.enabled ?? true,
      disabledReason: null,
      secrets: [{ secret: generateWebhookSecret(), createdAt: new Date().toISOString(), expiresAt: null }],
    });
    await this.db.getRepository(WebhookEndpoint).insert(endpoint);
    return this.get(accountId, endpoint.id);
  }

  list(accountId: string, page: PageRequest): Promise<Page<WebhookEndpoint>> {
    return findPage(this.db.getRepository(WebhookEndpoint), { accountId }, page);
  }

  async get(accountId: string, id: string): Promise<WebhookEndpoint> {
    const endpoint = await this.db.getRepository(WebhookEndpoint).findOneBy({ id, accountId });
    if (!endpoint) throw notFound('webhook endpoint', id);
    return endpoint;
  }

  async update(accountId: string, id: string, input: EndpointInput): Promise<WebhookEndpoint> {
    const endpoint = await this.get(accountId, id);
    if (input.url !== undefined) await this.checkUrl(input.url);
    await this.db.getRepository(WebhookEndpoint).update(
      { id: endpoint.id },
      {
        ...(input.url !== undefined ? { url: input.url } : {}),
        ...(input.events !== undefined ? { events: input.events?.length ? input.events : null } : {}),
        ...(input.description !== undefined ? { description: input.description } : {}),
        ...(input.enabled !== undefined ? { enabled: input.enabled, disabledReason: null } : {}),
      },
    );
    return this.get(accountId, id);
  }

  async delete(accountId: string, id: string): Promise<void> {
    const endpoint = await this.get(accountId, id);
    await this.db.getRepository(WebhookEndpoint).delete({ id: endpoint.id });
  }

  /** A new secret signs from now on; the previous ones keep signing for the configured overlap. */
  async rotateSecret(accountId: string, id: string): Promise<{ endpoint: WebhookEndpoint; secret: string }> {
    const endpoint = await this.get(accountId, id);
    const now = new Date();
    const until = new Date(now.getTime() + this.config.webhooks.secretOverlapHours * 3_600_000).toISOString();
    const secret = generateWebhookSecret();
    const kept = endpoint.secrets
      .filter((s) => s.expiresAt === null || new Date(s.expiresAt) > now)
      .map((s) => ({ ...s, expiresAt: s.expiresAt ?? until }));
    const secrets = [...kept, { secret, createdAt: now.toISOString(), expiresAt: null }];
    await this.db.getRepository(WebhookEndpoint).update({ id }, { secrets });
    return { endpoint: await this.get(accountId, id), secret };
  }
}
