import { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { BootContext, PinoNestLogger } from '@postern/observability';
import { ApiModule } from './api.module';
import { createValidationPipe } from './common/validation';
import { httpObserver } from './common/http-metrics';
import { serveOpenApi } from './openapi';

/** Builds the HTTP app (not yet listening). */
export async function createApiApp(context: BootContext): Promise<INestApplication> {
  const app = await NestFactory.create<NestExpressApplication>(ApiModule.forRoot(context), {
    logger: new PinoNestLogger(context.logger.child({ component: 'nest' })),
    abortOnError: false,
    bodyParser: false,
  });
  app.disable('x-powered-by');
  app.use(httpObserver(context.metrics, context.logger));
  // Base64 attachments grow by a third; the send API checks the real limit on the composed message.
  const maxMessage = context.config.delivery.maxMessageBytes;
  app.useBodyParser('json', { limit: Math.ceil(maxMessage * 1.4) + 1024 * 1024 });
  app.useBodyParser('raw', { type: 'message/rfc822', limit: maxMessage });
  app.useGlobalPipes(createValidationPipe());
  serveOpenApi(app);
  return app;
}
