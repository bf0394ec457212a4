import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { openApiJson } from './openapi-document';

interface Schema {
  $ref?: string;
  description?: string;
  example?: unknown;
  properties?: Record<string, Schema>;
  items?: Schema;
  allOf?: Schema[];
}

test('the committed openapi/openapi.json matches the code (run `npm run openapi` when this fails)', async () => {
  const committed = readFileSync(join(__dirname, '../../openapi/openapi.json'), 'utf8');
  assert.equal(await openApiJson(), committed);
});

test('every endpoint has a summary and every schema field a description and an example', async () => {
  const document = JSON.parse(await openApiJson()) as {
    paths: Record<
      string,
      Record<
        string,
        { summary?: string; parameters?: { name: string; description?: string; example?: unknown; schema?: { example?: unknown } }[] }
      >
    >;
    components: { schemas: Record<string, Schema> };
  };
  const missing: string[] = [];
  for (const [path, operations] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(operations)) {
      if (!operation.summary) missing.push(`${method.toUpperCase()} ${path}: summary`);
      for (const p of operation.parameters ?? []) {
        if (!p.description) missing.push(`${method.toUpperCase()} ${path} parameter ${p.name}: description`);
        if (p.example === undefined && p.schema?.example === undefined)
          missing.push(`${method.toUpperCase()} ${path} parameter ${p.name}: example`);
      }
    }
  }
  for (const [name, schema] of Object.entries(document.components.schemas)) {
    for (const [field, property] of Object.entries(schema.properties ?? {})) {
      const nested = property.$ref ?? property.items?.$ref ?? property.allOf?.[0]?.$ref;
      if (!property.description) missing.push(`${name}.${field}: description`);
      if (property.example === undefined && !nested) missing.push(`${name}.${field}: example`);
    }
  }
  assert.deepEqual(missing, []);
});
