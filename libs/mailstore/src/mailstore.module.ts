import { Global, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@postern/config';
import { Logger, ROOT_LOGGER } from '@postern/observability';
import { createRedis } from '@postern/queue';
import { MailStore } from './mail-store';
import { MailboxNotifier } from './notifier';

/** Provides the MailStore and its change notifier (one publisher and one subscriber connection). */
@Global()
@Module({
  providers: [
    {
      provide: MailboxNotifier,
      inject: [APP_CONFIG, ROOT_LOGGER],
      useFactory: (config: AppConfig, logger: Logger) => {
        const connect = () =>
          createRedis(config.redisUrl, { onError: (err) => logger.warn({ err: err.message }, 'redis connection error') });
        return new MailboxNotifier(connect(), config.redisPrefix, connect);
      },
    },
    MailStore,
  ],
  exports: [MailStore, MailboxNotifier],
})
export class MailstoreModule implements OnApplicationShutdown {
  constructor(@Inject(MailboxNotifier) private readonly notifier: MailboxNotifier) {}

  onApplicationShutdown(): void {
    this.notifier.close();
  }
}
