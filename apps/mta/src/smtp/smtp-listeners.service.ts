import { Inject, Injectable, Optional } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@postern/config';
import { ROOT_LOGGER, newConnectionId } from '@postern/observability';
import {
  CertificateStore,
  DEFAULT_SMTP_LIMITS,
  IpLimiter,
  createSmtpListener,
  type SmtpLimits,
  type SmtpListener,
  type SmtpSessionHooks,
} from '@postern/smtp';
import type { Logger } from 'pino';
import { listenerCertificates } from '../listener-certificates';
import { MX_HOOKS, REFUSE_ALL_RECIPIENTS } from './mx-hooks';
import { SubmissionAuthenticator } from './submission-auth';
import { SubmissionService } from './submission.service';

export interface ListenerStatus {
  name: 'smtp' | 'submission' | 'submissions';
  port: number | null;
  tls: 'starttls' | 'implicit' | 'none';
  connections: number;
}

/** The three SMTP listeners, built from the configuration: MX (25), submission (587 STARTTLS, 465 TLS). */
@Injectable()
export class SmtpListenersService {
  private readonly logger: Logger;
  private listeners: { name: ListenerStatus['name']; listener: SmtpListener }[] = [];
  private stopWatching: (() => void) | undefined;
  private tlsAvailable = false;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(ROOT_LOGGER) rootLogger: Logger,
    @Optional() @Inject(MX_HOOKS) private readonly mxHooks: SmtpSessionHooks | null,
    @Inject(SubmissionService) private readonly submission: SubmissionService,
    @Inject(SubmissionAuthenticator) private readonly authenticator: SubmissionAuthenticator,
  ) {
    this.logger = rootLogger.child({ component: 'smtp' });
  }

  /** POSTERN_TLS_CERT/KEY (reloaded when they change); in local mode a self-signed certificate kept in the data directory. */
  private async certificates(): Promise<CertificateStore | null> {
    const certificates = await listenerCertificates(this.config, (err) =>
      err
        ? this.logger.error({ err: err.message }, 'certificate reload failed; keeping the previous one')
        : this.logger.info('certificate files changed: reloaded'),
    );
    if (!certificates) return null;
    this.stopWatching = () => certificates.close();
    if (!this.config.tls) this.logger.info('local mode: self-signed certificate');
    return certificates.store;
  }

  async start(): Promise<void> {
    const { config } = this;
    const s = config.smtp;
    const limits: SmtpLimits = {
      ...DEFAULT_SMTP_LIMITS,
      connectionsPerMinute: s.connectionsPerMinute,
      concurrentConnections: s.concurrentConnections,
      messagesPerMinute: s.messagesPerMinute,
      messagesPerDay: s.messagesPerDay,
      bytesPerMinute: s.bytesPerMinute,
      bytesPerDay: s.bytesPerDay,
      authFailuresPerHour: s.authFailuresPerHour,
      authFailureDelayMs: s.authFailureDelayMs,
      idleTimeoutMs: s.timeoutSeconds * 1000,
    };
    const certificates = await this.certificates();
    this.tlsAvailable = certificates !== null;
    if (!certificates) this.logger.warn('no TLS certificate (POSTERN_TLS_CERT/KEY): no STARTTLS, no port 465, and no AUTH on submission');
    const common = {
      hostname: config.hostname,
      certificates,
      limits,
      rcptMax: s.rcptMax,
      greetingDelayMs: s.greetingDelayMs,
      logger: this.logger,
      newConnectionId,
    };
    const submissionLimiter = new IpLimiter(limits);
    const planned: { name: ListenerStatus['name']; port: number; listener: SmtpListener }[] = [
      {
        name: 'smtp',
        port: config.ports.smtp,
        listener: createSmtpListener({
          ...common,
          mode: 'mx',
          implicitTls: false,
          maxMessageSize: s.maxMessageBytes,
          hooks: this.mxHooks ?? REFUSE_ALL_RECIPIENTS,
        }),
      },
    ];
    for (const [name, port, implicitTls] of [
      ['submission', config.ports.submission, false],
      ['submissions', config.ports.submissions, true],
    ] as const) {
      if (implicitTls && !certificates) continue;
      planned.push({
        name,
        port,
        listener: createSmtpListener({
          ...common,
          mode: 'submission',
          implicitTls,
          limiter: submissionLimiter,
          maxMessageSize: config.delivery.maxMessageBytes,
          authenticate: this.authenticator,
          hooks: this.submission,
        }),
      });
    }
    try {
      for (const p of planned) {
        await p.listener.listen(p.port, config.bindAddress);
        this.listeners.push({ name: p.name, listener: p.listener });
      }
    } catch (err) {
      await this.close();
      throw err;
    }
  }

  status(): ListenerStatus[] {
    return this.listeners.map(({ name, listener }) => ({
      name,
      port: listener.port,
      tls: listener.implicitTls ? 'implicit' : this.tlsAvailable ? 'starttls' : 'none',
      connections: listener.connections,
    }));
  }

  port(name: ListenerStatus['name']): number | null {
    return this.listeners.find((l) => l.name === name)?.listener.port ?? null;
  }

  /** Stops accepting; running sessions get a grace period, then 421. */
  async close(): Promise<void> {
    this.stopWatching?.();
    const listeners = this.listeners;
    this.listeners = [];
    await Promise.all(listeners.map((l) => l.listener.close()));
  }
}
