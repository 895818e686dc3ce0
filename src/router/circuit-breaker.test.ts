import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CircuitBreakers } from './circuit-breaker.js';

describe('circuit breaker (injected clock)', () => {
  it('opens after consecutive failures, half-opens after the cooldown, closes on a good probe', () => {
    let now = 1_000;
    const b = new CircuitBreakers({ failureThreshold: 3, cooldownMs: 10_000, now: () => now });
    assert.equal(b.state('cloud'), 'closed');
    b.onFailure('cloud');
    b.onFailure('cloud');
    assert.equal(b.state('cloud'), 'closed');
    b.onSuccess('cloud'); // consecutive: a success resets the count
    b.onFailure('cloud');
    b.onFailure('cloud');
    assert.equal(b.tryAcquire('cloud'), true);
    b.onFailure('cloud');
    assert.equal(b.state('cloud'), 'open');
    assert.equal(b.tryAcquire('cloud'), false);
    now += 9_999;
    assert.equal(b.state('cloud'), 'open');
    now += 1;
    assert.equal(b.state('cloud'), 'half-open');
    assert.equal(b.tryAcquire('cloud'), true, 'one probe passes');
    assert.equal(b.tryAcquire('cloud'), false, 'a second caller waits for the probe');
    assert.equal(b.wouldAllow('cloud'), false);
    b.onSuccess('cloud');
    assert.equal(b.state('cloud'), 'closed');
    assert.equal(b.tryAcquire('cloud'), true);
  });

  it('a failed probe opens it again for a full cooldown; a released probe lets another try', () => {
    let now = 0;
    const b = new CircuitBreakers({ failureThreshold: 1, cooldownMs: 100, now: () => now });
    b.onFailure('p');
    now = 100;
    assert.equal(b.tryAcquire('p'), true);
    b.release('p');
    assert.equal(b.tryAcquire('p'), true);
    b.onFailure('p');
    assert.equal(b.state('p'), 'open');
    now = 199;
    assert.equal(b.state('p'), 'open');
    now = 200;
    assert.equal(b.state('p'), 'half-open');
    assert.deepEqual(b.snapshot(), { p: { state: 'half-open', failures: 2 } });
  });

  it('circuits are per provider', () => {
    const b = new CircuitBreakers({ failureThreshold: 1, cooldownMs: 100, now: () => 0 });
    b.onFailure('a');
    assert.equal(b.state('a'), 'open');
    assert.equal(b.state('b'), 'closed');
  });
});
