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
  app.useBodyParser('json', { limit: '60mb' });
  app.useGlobalPipes(createValidationPipe());
  serveOpenApi(app);
  return app;
}
