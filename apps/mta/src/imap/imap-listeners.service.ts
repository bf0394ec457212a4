import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@postern/config';
import { ImapServer } from '@postern/imap';
import { MailStore, MailboxNotifier } from '@postern/mailstore';
import { ROOT_LOGGER, newConnectionId } from '@postern/observability';
import type { Logger } from 'pino';
import { ImapAccountAuthenticator } from './imap-auth';
import { listenerCertificates } from '../listener-certificates';

export interface ImapListenerStatus {
  name: 'imap' | 'imaps';
  port: number;
  tls: 'starttls' | 'implicit' | 'none';
}

/** Default APPENDLIMIT (RFC 7889) when the account has no smaller quota left. */
const APPEND_LIMIT = 50 * 1024 * 1024;

/** IMAP on `ports.imap` (STARTTLS) and `ports.imaps` (implicit TLS, when there is a certificate). */
@Injectable()
export class ImapListenersService {
  private server: ImapServer | null = null;
  private listening: ImapListenerStatus[] = [];
  private readonly logger: Logger;
  private stopWatching: (() => void) | undefined;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(ROOT_LOGGER) rootLogger: Logger,
    @Inject(MailStore) private readonly store: MailStore,
    @Inject(MailboxNotifier) private readonly notifier: MailboxNotifier,
    @Inject(ImapAccountAuthenticator) private readonly auth: ImapAccountAuthenticator,
  ) {
    this.logger = rootLogger.child({ component: 'imap' });
  }

  async start(): Promise<void> {
    const tls = await listenerCertificates(this.config, (err) =>
      err
        ? this.logger.error({ err: err.message }, 'certificate reload failed; keeping the previous one')
        : this.logger.info('certificate files changed: reloaded'),
    );
    this.stopWatching = tls ? () => tls.close() : undefined;
    if (!tls) {
      this.logger.warn(
        'no TLS certificate (POSTERN_TLS_CERT/KEY): IMAP runs without STARTTLS and port 993; only SCRAM and CRAM-MD5 logins work',
      );
    }
    const server = new ImapServer({
      store: this.store,
      notifier: this.notifier,
      auth: this.auth,
      logger: this.logger,
      hostname: this.config.hostname,
      appendLimit: APPEND_LIMIT,
      connectionId: newConnectionId,
      tls: tls?.store,
    });
    this.server = server;
    const host = this.config.bindAddress;
    const imap = await server.listen({ host, port: this.config.ports.imap, implicitTls: false });
    this.listening.push({ name: 'imap', port: imap, tls: tls ? 'starttls' : 'none' });
    if (tls) {
      const imaps = await server.listen({ host, port: this.config.ports.imaps, implicitTls: true });
      this.listening.push({ name: 'imaps', port: imaps, tls: 'implicit' });
    }
    this.logger.info({ listeners: this.listening }, 'imap listening');
  }

  status(): Array<ImapListenerStatus & { sessions: number }> {
    return this.listening.map((l) => ({ ...l, sessions: this.server?.sessionCount ?? 0 }));
  }

  port(name: ImapListenerStatus['name']): number | null {
    return this.listening.find((l) => l.name === name)?.port ?? null;
  }

  async close(): Promise<void> {
    this.stopWatching?.();
    this.stopWatching = undefined;
    await this.server?.close();
    this.server = null;
    this.listening = [];
  }
}
