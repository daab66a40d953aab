// GET /openapi.json: an OpenAPI 3.1 document generated from the route schemas.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildSampleApp } from './sample-app.ts';

interface Operation {
  requestBody?: { content: Record<string, { schema: { additionalProperties?: unknown } }> };
  parameters?: { in: string; name: string }[];
  responses: Record<string, unknown>;
}
interface Document {
  openapi: string;
  info: { title: string; version: string };
  paths: Record<string, Record<string, Operation>>;
}

test('the document is OpenAPI 3.1, lists the routes with their schemas and hides itself', async () => {
  const { app } = buildSampleApp();
  const reply = await app.inject({ method: 'GET', url: '/openapi.json' });
  await app.close();
  assert.equal(reply.statusCode, 200);
  const document = JSON.parse(reply.body) as Document;
  assert.equal(document.openapi, '3.1.0');
  assert.deepEqual(document.info, { title: 'Sample', version: '1.0.0' });
  assert.deepEqual(Object.keys(document.paths).sort(), ['/v1/boom', '/v1/orders', '/v1/orders/{orderId}', '/v1/time']);
  const create = document.paths['/v1/orders']?.['post'];
  assert.ok(create !== undefined);
  assert.equal(create.requestBody?.content['application/json']?.schema.additionalProperties, false);
  assert.deepEqual(Object.keys(create.responses).sort(), ['201', '4XX', '5XX']);
  const read = document.paths['/v1/orders/{orderId}']?.['get'];
  assert.deepEqual(read?.parameters?.map((parameter) => `${parameter.in}:${parameter.name}`).sort(), ['path:orderId', 'query:verbose']);
  assert.equal(document.paths['/openapi.json'], undefined);
});
