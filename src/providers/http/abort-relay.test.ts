import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { onAbort, relayAbort } from './abort-relay.js';

describe('onAbort', () => {
  it('watches a relayed signal through its relay, not through an event listener', () => {
    const controller = new AbortController();
    const relay = relayAbort(controller.signal);
    const calls: string[] = [];
    const stopA = onAbort(controller.signal, () => calls.push(`a:${String(controller.signal.reason)}`));
    const stopB = onAbort(controller.signal, () => calls.push('b'));
    assert.equal(relay.size, 2);
    stopB();
    assert.equal(relay.size, 1);
    controller.abort('gone');
    assert.equal(calls.length, 0, 'the owner fires the relay after aborting');
    relay.fire();
    assert.deepEqual(calls, ['a:gone']);
    assert.equal(relay.size, 0);
    stopA();
    onAbort(controller.signal, () => calls.push('late'));
    assert.deepEqual(calls, ['a:gone', 'late'], 'a listener added after the abort is called at once');
    relay.fire();
    assert.deepEqual(calls, ['a:gone', 'late'], 'fired once');
  });

  it('watches any other signal with an abort listener, removed when the work is done', () => {
    const controller = new AbortController();
    const calls: string[] = [];
    const stop = onAbort(controller.signal, () => calls.push('a'));
    onAbort(controller.signal, () => calls.push('b'));
    stop();
    controller.abort();
    assert.deepEqual(calls, ['b']);
    onAbort(controller.signal, () => calls.push('at once'));
    assert.deepEqual(calls, ['b', 'at once']);
  });
});
