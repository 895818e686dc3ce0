import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { FlambeauError } from '../../errors/index.js';
import { gatewayWorld, type GatewayWorld } from '../__fixtures__/gateway-world.js';
import { openRequest } from '../request.js';
import { admit } from './admit.js';

let world: GatewayWorld;
afterEach(async () => world.close());

describe('admit stage', () => {
  it("grants within the key's per-minute limits and keeps the x-ratelimit-* headers, granted or refused", async () => {
    world = gatewayWorld([{ name: 'a', locality: 'cloud' }]);
    const principal = await world.principal({ name: 'limited', rpm: 2 });
    for (let i = 0; i < 2; i++) {
      const request = openRequest(`ok${i}`, '/v1/chat/completions');
      request.outcome.principal = principal;
      await admit(request, 10, world.deps);
      assert.notEqual(request.grant, null);
      assert.equal(request.rateLimitHeaders['x-ratelimit-limit-requests'], '2');
    }
    const refused = openRequest('over', '/v1/chat/completions');
    refused.outcome.principal = principal;
    await assert.rejects(admit(refused, 10, world.deps), (e: FlambeauError) => e.code === 'rate_limited');
    assert.equal(refused.grant, null);
    assert.equal(refused.rateLimitHeaders['x-ratelimit-remaining-requests'], '0');
    assert.match(refused.rateLimitHeaders['x-ratelimit-reset-requests'] ?? '', /^[0-9.]+m?s$/, 'when this request fits again');
  });

  it('does not count an unauthenticated request (none reaches it) or the master key', async () => {
    world = gatewayWorld([{ name: 'a', locality: 'cloud' }]);
    const request = openRequest('anon', '/v1/chat/completions');
    await admit(request, 10, world.deps);
    assert.equal(request.grant, null);
    assert.deepEqual(request.rateLimitHeaders, {});
  });
});
