import { INestApplication } from '@nestjs/common';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { EVENT_TYPES } from './events/dto/event.dto';
import { WebhookPayloadDto } from './webhooks/dto/webhook-payload.dto';

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
  const document = SwaggerModule.createDocument(app, config, {
    operationIdFactory: (controller, method) => `${controller.replace(/Controller$/, '')}_${method}`,
    extraModels: [WebhookPayloadDto],
  });
  // OpenAPI 3.1 `webhooks`: what Postern POSTs to webhook endpoints, one entry per event type.
  document.openapi = '3.1.0';
  document.webhooks = Object.fromEntries(
    EVENT_TYPES.map((type) => [
      type,
      {
        post: {
          summary: `${type} (payload version 1)`,
          description:
            'Signed per Standard Webhooks: `webhook-id` (the event id, the same on every retry), `webhook-timestamp` and ' +
            '`webhook-signature` (`v1,<base64 HMAC-SHA256 of id.timestamp.body>`, one per active secret). Answer 2xx to ' +
            'acknowledge; 410 disables the endpoint; anything else is retried.',
          requestBody: { content: { 'application/json': { schema: { $ref: '#/components/schemas/WebhookPayloadDto' } } } },
          responses: { '200': { description: 'Acknowledged' } },
        },
      },
    ]),
  );
  return document;
}

export function serveOpenApi(app: INestApplication): void {
  const document = buildOpenApiDocument(app);
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs/openapi.json', yamlDocumentUrl: 'docs/openapi.yaml' });
}
