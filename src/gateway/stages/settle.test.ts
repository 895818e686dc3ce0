import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { gatewayWorld, type GatewayWorld } from '../__fixtures__/gateway-world.js';
import { matchRequest, openRequest, setTarget } from '../request.js';
import { hold } from './hold.js';
import { route } from './route.js';
import { settle, settleClosed } from './settle.js';

let world: GatewayWorld;
afterEach(async () => world.close());

async function held(id: string) {
  const request = openRequest(id, '/v1/chat/completions');
  matchRequest(request, { logged: true });
  request.outcome.principal = await world.principal({ name: id, budget: { usd: 1, period: 'day' } });
  request.outcome.model = 'm';
  const chat = { model: 'm', messages: [{ role: 'user' as const, content: 'hello' }], maxTokens: 10 };
  const inspection = await world.deps.privacy.inspectChat(chat);
  await hold(
    request,
    route({ request: chat, inspection, caller: { keyId: null, keyName: null, team: null }, tags: undefined, signal: new AbortController().signal }, world.deps),
    world.deps,
  );
  setTarget(request, { name: 'm', provider: 'cloud', model: 'upstream-m', locality: 'cloud', price: world.deps.catalog.get('m').config.price });
  return request;
}

describe('settle stage', () => {
  it('prices the usage, writes usage, audit and request log once, and spends the hold', async () => {
    world = gatewayWorld([{ name: 'm', locality: 'cloud', price: 2 }]);
    const request = await held('s1');
    const principal = request.outcome.principal;
    request.outcome.usage = { inputTokens: 1000, outputTokens: 500, estimated: false };
    request.outcome.status = 200;
    await settle(request, world.deps);
    await settle(request, world.deps);
    await settleClosed(request, { status: 200, finished: true }, world.deps);
    assert.equal(request.outcome.costUsd, 0.003);
    const rows = await world.deps.requestLog.recent(10);
    assert.deepEqual(
      rows.map((r) => [r.id, r.status, r.inputTokens]),
      [['s1', 200, 1000]],
    );
    const use = await world.deps.ledger.use({ keyId: principal?.keyId as string }, 'day');
    assert.equal(use.spentUsd, 0.003);
    assert.equal(use.reservedUsd, 0, 'the hold is settled, not left reserved');
  });

  it('releases the hold of a request that failed before any usage, recording the client that left as client_closed', async () => {
    world = gatewayWorld([{ name: 'm', locality: 'cloud', price: 2 }]);
    const request = await held('s2');
    await settleClosed(request, { status: 499, finished: false }, world.deps);
    assert.equal(request.outcome.status, 499);
    assert.equal(request.outcome.errorCode, 'client_closed');
    const use = await world.deps.ledger.use({ keyId: request.outcome.principal?.keyId as string }, 'day');
    assert.deepEqual([use.spentUsd, use.reservedUsd], [0, 0]);
    assert.deepEqual(
      (await world.deps.requestLog.recent(10)).map((r) => [r.id, r.errorCode]),
      [['s2', 'client_closed']],
    );
  });
});
