import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { MASTER_PRINCIPAL } from '../../auth/principal.js';
import { FlambeauError } from '../../errors/index.js';
import { gatewayWorld, type GatewayWorld } from '../__fixtures__/gateway-world.js';
import { openRequest } from '../request.js';
import { callerOf, scope } from './scope.js';

let world: GatewayWorld;
afterEach(async () => world.close());

describe('scope stage', () => {
  it('lets the master key do anything, and a scoped key only what its scopes name', async () => {
    world = gatewayWorld([{ name: 'a', locality: 'cloud' }]);
    const master = openRequest('m', '/v1/chat/completions');
    master.outcome.principal = MASTER_PRINCIPAL;
    scope(master, { endpoint: 'chat', model: 'anything', collections: ['secret'] });
    const scoped = openRequest('s', '/v1/chat/completions');
    scoped.outcome.principal = await world.principal({ name: 'scoped', scopes: { endpoints: ['chat'], models: ['gpt-*'], collections: ['notes'] } });
    scope(scoped, { endpoint: 'chat', model: 'gpt-small', collections: ['notes'] });
    const denied = (need: Parameters<typeof scope>[1], what: string) =>
      assert.throws(
        () => scope(scoped, need),
        (e: FlambeauError) => e.code === 'forbidden' && (e.details as { denied: string }).denied === what,
        what,
      );
    denied({ endpoint: 'embeddings' }, 'endpoint');
    denied({ endpoint: 'chat', model: 'claude' }, 'model');
    denied({ endpoint: 'chat', model: 'gpt-small', collections: ['notes', 'hr'] }, 'collections');
  });

  it('gives routing the caller: key id and name, and team; all null for the master key', async () => {
    world = gatewayWorld([{ name: 'a', locality: 'cloud' }]);
    const request = openRequest('c', '/v1/chat/completions');
    assert.deepEqual(callerOf(request), { keyId: null, keyName: null, team: null });
    request.outcome.principal = await world.principal({ name: 'alice' });
    const caller = callerOf(request);
    assert.equal(caller.keyName, 'alice');
    assert.match(caller.keyId ?? '', /^[0-9a-f]{12}$/);
    assert.equal(caller.team, null);
  });
});
