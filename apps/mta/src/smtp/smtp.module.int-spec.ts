import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Injectable, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { INestApplicationContext } from '@nestjs/common';
import { ConfigModule } from '@postern/config';
import { DbModule, prepareDatabase } from '@postern/db';
import { ObservabilityModule } from '@postern/observability';
import { QueueModule } from '@postern/queue';
import { SmtpReplyError, type SmtpSessionHooks } from '@postern/smtp';
import { TestEnv, createTestEnv } from '@postern/testing';
import { RawSmtp } from '../../../../libs/smtp/src/server/raw-smtp.test-helper';
import { SmtpListenersService } from './smtp-listeners.service';
import { SmtpModule } from './smtp.module';

@Injectable()
class GreylistHooks implements SmtpSessionHooks {
  checkRecipient(): Promise<void> {
    return Promise.reject(new SmtpReplyError(451, '4.7.1', 'greylisted by the test hooks'));
  }
  onMessage(): Promise<void> {
    return Promise.resolve();
  }
}

@Module({ providers: [GreylistHooks], exports: [GreylistHooks] })
class GreylistModule {}

describe('SmtpModule.forRoot({ mx })', () => {
  let env: TestEnv;
  let app: INestApplicationContext;

  before(async () => {
    env = createTestEnv();
    await prepareDatabase({ databaseUrl: env.config.databaseUrl, createIfMissing: true, logger: env.context.logger });
    @Module({
      imports: [
        ConfigModule.forRoot(env.config),
        ObservabilityModule.forRoot(env.context),
        DbModule,
        QueueModule,
        SmtpModule.forRoot({ mx: { imports: [GreylistModule], hooks: GreylistHooks } }),
      ],
    })
    class TestMtaModule {}
    app = await NestFactory.createApplicationContext(TestMtaModule, { logger: false });
    await app.get(SmtpListenersService).start();
  });

  after(async () => {
    await app?.get(SmtpListenersService).close();
    await app?.close();
    await env?.cleanup();
  });

  test('binds the given hooks to the MX listener', async () => {
    const c = await RawSmtp.connect(app.get(SmtpListenersService).port('smtp')!);
    await c.reply();
    await c.command('EHLO client.test');
    await c.command('MAIL FROM:<a@client.test>');
    assert.match((await c.command('RCPT TO:<b@localhost>')).lines[0], /^451 4\.7\.1 greylisted by the test hooks \[.+\]$/);
    c.end();
  });
});
