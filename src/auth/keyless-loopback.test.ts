import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isLoopbackAddress, keylessLoopbackPrincipal, LOOPBACK_ACTOR_ID } from './keyless-loopback.js';
import { actorOf } from './principal.js';
import { checkScope } from './scope.js';

describe('key-less loopback access', () => {
  it('knows loopback socket addresses, IPv4, IPv6 and IPv4-mapped', () => {
    for (const address of ['127.0.0.1', '127.255.255.254', '::1', '::ffff:127.0.0.1']) assert.equal(isLoopbackAddress(address), true, address);
    for (const address of [undefined, '', 'localhost', '192.0.2.2', '::ffff:10.1.2.3', '::2', '0:0:0:0:0:0:0:1x', '1127.0.0.1', '127.0.0.256'])
      assert.equal(isLoopbackAddress(address), false, String(address));
  });

  it('is a principal of its own kind, scoped to the listed models and endpoints, without collections, budget or limits', () => {
    const principal = keylessLoopbackPrincipal({ models: ['local-*'], endpoints: ['chat'] });
    assert.equal(principal.kind, 'loopback');
    assert.deepEqual(actorOf(principal), { kind: 'loopback', keyId: LOOPBACK_ACTOR_ID, team: null });
    assert.equal(principal.budget, null);
    assert.deepEqual(principal.limits, { rpm: null, tpm: null });
    checkScope(principal, { endpoint: 'chat', model: 'local-chat' });
    assert.throws(
      () => checkScope(principal, { endpoint: 'chat', model: 'cloud-big' }),
      (e: Error & { code: string }) => {
        assert.equal(e.code, 'forbidden');
        assert.match(e.message, /key-less loopback call may not use the model `cloud-big`/);
        return true;
      },
    );
    assert.throws(() => checkScope(principal, { endpoint: 'embeddings' }), /may not call the embeddings endpoint/);
    assert.throws(() => checkScope(principal, { endpoint: 'chat', model: 'local-chat', collections: ['notes'] }), /may not read the collection `notes`/);
  });

  it('cannot be changed by whoever holds it', () => {
    const principal = keylessLoopbackPrincipal({ models: ['local-chat'], endpoints: ['chat'] });
    assert.throws(() => (principal.scopes.models as string[]).push('*'));
    assert.throws(() => ((principal as { kind: string }).kind = 'master'));
  });
});
