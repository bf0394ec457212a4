import { INestApplication } from '@nestjs/common';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';

/** The OpenAPI document of the HTTP API, as served at /docs/openapi.json and committed in openapi/. */
export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Postern')
    .setDescription(
      'Self-hosted, API-first mail platform. Send with `POST /v1/messages`, manage domains, accounts and keys under ' +
        '`/v1/admin`. Authenticate with `Authorization: Bearer <api key>`. Errors are RFC 9457 problem details with a ' +
        'stable `code`. Lists take `limit` and `after` and answer `{ items, next }`.',
    )
    .setVersion('1')
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'An admin or account API key' })
    .build();
  return SwaggerModule.createDocument(app, config, {
    operationIdFactory: (controller, method) => `${controller.replace(/Controller$/, '')}_${method}`,
  });
}

export function serveOpenApi(app: INestApplication): void {
  const document = buildOpenApiDocument(app);
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs/openapi.json', yamlDocumentUrl: 'docs/openapi.yaml' });
}
