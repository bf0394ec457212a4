// Test-only: an InboundService over a fresh database, Redis prefix and local DNS server.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { INestApplicationContext, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DataSource } from 'typeorm';
import { AccountsModule, AccountsService } from '@postern/accounts';
import { ConfigModule } from '@postern/config';
import { Account, DbModule, prepareDatabase } from '@postern/db';
import { AddressesService, AliasesService, DomainsModule, DomainsService } from '@postern/domains';
import { MailStore } from '@postern/mailstore';
import { ObservabilityModule } from '@postern/observability';
import { QueueModule } from '@postern/queue';
import { SmtpReplyError, SmtpSessionInfo } from '@postern/smtp';
import { TestDnsServer, TestEnv, createTestEnv, startDnsServer } from '@postern/testing';
import { InboundModule } from './inbound.module';
import { InboundService } from './inbound.service';

export interface InboundHarness {
  env: TestEnv;
  dns: TestDnsServer;
  app: INestApplicationContext;
  inbound: InboundService;
  store: MailStore;
  db: DataSource;
  accounts: AccountsService;
  domains: DomainsService;
  addresses: AddressesService;
  aliases: AliasesService;
  close(): Promise<void>;
}

export async function startInbound(): Promise<InboundHarness> {
  const dns = await startDnsServer({});
  const env = createTestEnv({ POSTERN_DNS_SERVERS: `127.0.0.1:${dns.port}`, POSTERN_HOSTNAME: 'mx.postern.test' });
  await prepareDatabase({ databaseUrl: env.config.databaseUrl, createIfMissing: true, logger: env.context.logger });

  @Module({
    imports: [
      ConfigModule.forRoot(env.config),
      ObservabilityModule.forRoot(env.context),
      DbModule,
      QueueModule,
      AccountsModule,
      DomainsModule,
      InboundModule,
    ],
  })
  class InboundTestModule {}

  const app = await NestFactory.createApplicationContext(InboundTestModule, { logger: false, abortOnError: false });
  return {
    env,
    dns,
    app,
    inbound: app.get(InboundService),
    store: app.get(MailStore),
    db: app.get(DataSource),
    accounts: app.get(AccountsService),
    domains: app.get(DomainsService),
    addresses: app.get(AddressesService),
    aliases: app.get(AliasesService),
    close: async () => {
      await app.close();
      await dns.close();
      await env.cleanup();
    },
  };
}

export const SESSION: SmtpSessionInfo = {
  id: 'test-session',
  remoteAddress: '127.0.0.1',
  remotePort: 40000,
  clientHostname: 'client.sender.test',
  tls: { protocol: 'TLSv1.3', cipher: 'TLS_AES_256_GCM_SHA384' },
};

/** RCPT TO for each recipient, then DATA, as the listener would call the hooks. */
export async function deliver(
  inbound: InboundService,
  input: { mailFrom: string; recipients: string[]; raw: Buffer | string; session?: SmtpSessionInfo },
): Promise<{ queueId?: string }> {
  const session = input.session ?? SESSION;
  const envelope = { mailFrom: { address: input.mailFrom, params: {} }, recipients: [] as string[] };
  for (const rcpt of input.recipients) {
    await inbound.checkRecipient(session, rcpt, envelope);
    envelope.recipients.push(rcpt);
  }
  const raw = typeof input.raw === 'string' ? Buffer.from(input.raw.replace(/\r?\n/g, '\r\n')) : input.raw;
  return inbound.onMessage(session, envelope, raw);
}

/** The SmtpReplyError a promise rejects with, as `550 5.1.1`. */
export async function refusal(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof SmtpReplyError) return `${err.code} ${err.enhanced}`;
    throw err;
  }
  throw new Error('expected a refusal, got acceptance');
}

export async function createAccount(h: InboundHarness, name: string, addresses: string[], quotaBytes = 0): Promise<Account> {
  const account = await h.accounts.create({ name, quotaBytes });
  for (const address of addresses) await h.addresses.create({ address, accountId: account.id });
  return account;
}

/** Signs with Debian's python3-dkim (`dkimsign`), an implementation independent of mailauth. */
export function dkimsign(message: Buffer, input: { selector: string; domain: string; privateKeyPem: string }): Buffer {
  const dir = mkdtempSync(join(tmpdir(), 'postern-dkimsign-'));
  const keyFile = join(dir, 'key.pem');
  writeFileSync(keyFile, input.privateKeyPem, { mode: 0o600 });
  const result = spawnSync('/usr/bin/dkimsign', ['--hcanon', 'relaxed', '--bcanon', 'relaxed', input.selector, input.domain, keyFile], {
    input: message,
  });
  if (result.status !== 0) throw new Error(`dkimsign failed: ${result.stderr.toString()}`);
  return result.stdout;
}
