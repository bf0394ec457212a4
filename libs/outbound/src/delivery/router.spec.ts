import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Route } from '@postern/db';
import { chooseRoute } from './router';

function route(id: string, fields: Partial<Route>): Route {
  return Object.assign(new Route(), {
    id,
    accountId: null,
    fromDomain: null,
    toDomain: null,
    minAttempt: 1,
    position: 0,
    transportId: id,
    ...fields,
  });
}

describe('chooseRoute', () => {
  const routes = [
    route('global-fallback', { minAttempt: 3 }),
    route('global-gmail', { toDomain: 'gmail.com' }),
    route('domain', { fromDomain: 'shop.example', toDomain: 'gmail.com' }),
    route('account', { accountId: 'acc-1', toDomain: 'gmail.com' }),
  ];
  const q = { accountId: 'acc-2', fromDomain: 'other.example', toDomain: 'gmail.com', attempt: 1 };

  it('prefers account routes, then domain routes, then global ones', () => {
    assert.equal(chooseRoute(routes, { ...q, accountId: 'acc-1', fromDomain: 'shop.example' })?.id, 'account');
    assert.equal(chooseRoute(routes, { ...q, fromDomain: 'shop.example' })?.id, 'domain');
    assert.equal(chooseRoute(routes, q)?.id, 'global-gmail');
  });

  it('applies attempt thresholds and falls back to direct (null) when nothing matches', () => {
    assert.equal(chooseRoute(routes, { ...q, toDomain: 'example.net' }), null);
    assert.equal(chooseRoute(routes, { ...q, toDomain: 'example.net', attempt: 3 })?.id, 'global-fallback');
  });
});
