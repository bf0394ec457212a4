import { NestFactory } from '@nestjs/core';
import { loadConfig } from '@postern/config';
import { Metrics, createLogger } from '@postern/observability';
import { ApiModule } from '../apps/api/src/api.module';
import { buildOpenApiDocument } from '../apps/api/src/openapi';

/**
 * The OpenAPI document as committed: built from the controllers without connecting to
 * anything (`preview` mode instantiates no providers).
 */
export async function openApiJson(): Promise<string> {
  const config = loadConfig({ LOG_LEVEL: 'silent' });
  const logger = createLogger({ level: 'silent', app: 'openapi' });
  const app = await NestFactory.create(ApiModule.forRoot({ config, logger, metrics: new Metrics() }), { preview: true, logger: false });
  const document = buildOpenApiDocument(app);
  await app.close();
  return JSON.stringify(document, null, 2) + '\n';
}
