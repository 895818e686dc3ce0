import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { FlambeauError } from '../../errors/index.js';
import { gatewayWorld, type GatewayWorld } from '../__fixtures__/gateway-world.js';
import { assumeRetrieved, namedCollections, quoteRetrieved, retrieve } from './retrieve.js';

let world: GatewayWorld;
afterEach(async () => world?.close());

const chat = (model: string) => ({ model, messages: [{ role: 'user' as const, content: 'what did we decide?' }] });

describe('retrieve stage', () => {
  it('reads `rag:` model names for every protocol: collections added once, the model named after the slash', async () => {
    const named = namedCollections(chat('rag:notes+mail/auto'), ['notes']);
    assert.deepEqual(named.collections, ['notes', 'mail']);
    assert.equal(named.request.model, 'auto');
    assert.deepEqual(namedCollections(chat('local'), []).collections, []);
    assert.throws(
      () => namedCollections(chat('rag:/auto'), []),
      (e: FlambeauError) => e.code === 'model_not_found' && e.param === 'model',
    );
  });

  it('leaves a request without collections untouched, and refuses an unknown collection with 404', async () => {
    world = gatewayWorld([{ name: 'local', locality: 'device' }]);
    const request = chat('local');
    const none = await retrieve(request, [], new AbortController().signal, world.deps);
    assert.equal(none.retrieval, null);
    const quoted = quoteRetrieved(request, none, { kept: [], dropped: [] }, world.deps);
    assert.equal(quoted.request, request);
    assert.equal(quoted.report, null);
    assert.equal(quoted.knowledge, undefined);
    await assert.rejects(retrieve(request, ['nope'], new AbortController().signal, world.deps), (e: FlambeauError) => e.status === 404);
    assert.throws(
      () => assumeRetrieved(['nope'], world.deps.knowledge),
      (e: FlambeauError) => e.status === 404,
    );
  });
});
