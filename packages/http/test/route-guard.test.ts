// No route escapes its declarations: each rule refuses the route when it is registered.
import { Type } from '@sinclair/typebox';
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { anonymousAuthenticator, createHttpApp, RouteDeclarationError, type HttpApp } from '../src/index.ts';

const Reply = { 200: Type.Object({ ok: Type.Boolean() }, { additionalProperties: false }) };
const ClosedBody = Type.Object({ name: Type.String() }, { additionalProperties: false });

function newApp(): HttpApp {
  return createHttpApp({ authenticator: anonymousAuthenticator, openApi: { title: 'Guard', version: '1' }, rateLimit: false });
}

describe('route declarations', () => {
  test('a route without a permission is refused at registration', () => {
    const app = newApp();
    assert.throws(() => app.get('/v1/open', { schema: { response: Reply } }, async () => ({ ok: true })), RouteDeclarationError);
  });

  test('an unknown permission is refused', () => {
    const app = newApp();
    const config = { permission: 'everything' } as unknown as { permission: 'public' };
    assert.throws(() => app.get('/v1/open', { config, schema: { response: Reply } }, async () => ({ ok: true })), /permission/);
  });

  test('a route in a plugin without a permission fails startup', async () => {
    const app = newApp();
    void app.register(async (child) => {
      child.get('/v1/hidden', { schema: { response: Reply } }, async () => ({ ok: true }));
    });
    await assert.rejects(async () => {
      await app.ready();
    }, RouteDeclarationError);
  });

  test('a route without a response schema is refused', () => {
    const app = newApp();
    assert.throws(() => app.get('/v1/a', { config: { permission: 'public' } }, async () => ({ ok: true })), /schema/);
    assert.throws(() => app.get('/v1/b', { config: { permission: 'public' }, schema: {} }, async () => ({ ok: true })), /response/);
  });

  test('a POST without a body schema and a parameterised path without params schema are refused', () => {
    const app = newApp();
    assert.throws(() => app.post('/v1/c', { config: { permission: 'public' }, schema: { response: Reply } }, async () => ({ ok: true })), /body/);
    assert.throws(() => app.get('/v1/d/:id', { config: { permission: 'public' }, schema: { response: Reply } }, async () => ({ ok: true })), /params/);
  });

  test('an object schema that lets unknown fields through is refused, at any depth', () => {
    const app = newApp();
    const open = Type.Object({ name: Type.String() });
    const nestedOpen = Type.Object({ inner: Type.Array(Type.Object({ x: Type.Integer() })) }, { additionalProperties: false });
    const route = (url: string, body: object) => () =>
      app.post(url, { config: { permission: 'public' }, schema: { body, response: Reply } }, async () => ({ ok: true }));
    assert.throws(route('/v1/e', open), /additionalProperties/);
    assert.throws(route('/v1/f', nestedOpen), /additionalProperties/);
    assert.throws(route('/v1/g', Type.Object({}, { additionalProperties: true })), /additionalProperties/);
  });

  test('a fully declared route registers and the app starts', async () => {
    const app = newApp();
    app.post('/v1/h', { config: { permission: 'public' }, schema: { body: ClosedBody, response: Reply } }, async () => ({ ok: true }));
    await app.ready();
    await app.close();
  });
});
