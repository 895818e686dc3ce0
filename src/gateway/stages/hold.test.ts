import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { FlambeauError } from '../../errors/index.js';
import { gatewayWorld, type GatewayWorld } from '../__fixtures__/gateway-world.js';
import { openRequest } from '../request.js';
import { inputTokenBound } from '../usage-estimate.js';
import { hold } from './hold.js';
import { route } from './route.js';

let world: GatewayWorld;
afterEach(async () => world.close());

async function routed(model: string, content: string, maxTokens?: number) {
  const chat = { model, messages: [{ role: 'user' as const, content }], ...(maxTokens === undefined ? {} : { maxTokens }) };
  const inspection = await world.deps.privacy.inspectChat(chat);
  return route(
    { request: chat, inspection, caller: { keyId: null, keyName: null, team: null }, tags: undefined, signal: new AbortController().signal },
    world.deps,
  );
}

describe('hold stage', () => {
  it('holds the worst case over every candidate: the input bound and max_tokens at the dearest price', async () => {
    world = gatewayWorld(
      [
        { name: 'cheap', locality: 'cloud', price: 1 },
        { name: 'dear', locality: 'cloud', price: 1000 },
        { name: 'local', locality: 'device', price: 1000 },
      ],
      { routes: [{ name: 'r', to: ['cheap', 'dear', 'local'] }] },
    );
    const request = openRequest('h1', '/v1/chat/completions');
    request.outcome.principal = await world.principal({ name: 'b', budget: { usd: 100, period: 'day' } });
    const r = await routed('auto', 'hello there', 100);
    await hold(request, r, world.deps);
    const expected = ((inputTokenBound(r.request, r.inspection.findings) + 100) * 1000) / 1e6;
    assert.ok(request.reservation !== null);
    assert.ok(Math.abs((request.outcome.heldUsd ?? 0) - expected) < 1e-9, `${request.outcome.heldUsd} vs ${expected}`);
  });

  it('refuses with budget_exhausted before any call when the hold does not fit; holds nothing for the master key', async () => {
    world = gatewayWorld([{ name: 'dear', locality: 'cloud', price: 1000 }]);
    const request = openRequest('h2', '/v1/chat/completions');
    request.outcome.principal = await world.principal({ name: 'poor', budget: { usd: 0.01, period: 'day' } });
    const r = await routed('dear', 'x'.repeat(40_000), 1);
    await assert.rejects(
      () => hold(request, r, world.deps),
      (e: FlambeauError) => e.code === 'budget_exhausted',
    );
    assert.equal(request.reservation, null);
    const master = openRequest('h3', '/v1/chat/completions');
    await hold(master, r, world.deps);
    assert.equal(master.reservation, null);
    assert.equal(master.outcome.heldUsd, null);
  });
});
