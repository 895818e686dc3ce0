import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FlambeauError } from '../errors/index.js';
import { backoffMs, classifyFailure, isUpstreamFault } from './retry-policy.js';

describe('retry policy', () => {
  it('classifies failures: retry, next target, or final', () => {
    const upstream = (status?: number) => new FlambeauError('upstream_failed', 'x', { details: status === undefined ? {} : { upstreamStatus: status } });
    assert.equal(classifyFailure(upstream(429)), 'retry');
    assert.equal(classifyFailure(upstream(500)), 'retry');
    assert.equal(classifyFailure(upstream(503)), 'retry');
    assert.equal(classifyFailure(upstream(408)), 'retry');
    assert.equal(classifyFailure(upstream()), 'retry', 'reset / refused / truncated');
    assert.equal(classifyFailure(new FlambeauError('upstream_timeout', 'x')), 'retry');
    assert.equal(classifyFailure(upstream(401)), 'next-target');
    assert.equal(classifyFailure(upstream(404)), 'next-target');
    assert.equal(classifyFailure(new FlambeauError('engine_unavailable', 'x')), 'next-target');
    assert.equal(classifyFailure(new FlambeauError('invalid_request', 'x')), 'final');
    assert.equal(classifyFailure(new FlambeauError('policy_denied', 'x')), 'final');
  });

  it("counts only upstream faults toward the breaker, never the request's own fault", () => {
    const upstream = (status?: number) => new FlambeauError('upstream_failed', 'x', { details: status === undefined ? {} : { upstreamStatus: status } });
    for (const fault of [upstream(500), upstream(502), upstream(503), upstream(429), upstream(408), upstream(), new FlambeauError('upstream_timeout', 'x')]) {
      assert.equal(isUpstreamFault(fault), true, fault.message + JSON.stringify(fault.details));
    }
    const notFaults = [
      upstream(400),
      upstream(401),
      upstream(404),
      upstream(409),
      upstream(413),
      upstream(422),
      new FlambeauError('engine_unavailable', 'queue full'),
      new FlambeauError('invalid_request', 'x'),
      new RangeError('Maximum call stack size exceeded'), // a local serialisation failure
      new TypeError('x'),
    ];
    for (const error of notFaults) assert.equal(isUpstreamFault(error), false, String(error) + JSON.stringify((error as FlambeauError).details ?? {}));
  });

  it('backs off exponentially with jitter, capped; honours a short Retry-After', () => {
    assert.equal(
      backoffMs(0, 200, 2000, undefined, () => 0),
      100,
    );
    assert.equal(
      backoffMs(0, 200, 2000, undefined, () => 1),
      200,
    );
    assert.equal(
      backoffMs(3, 200, 2000, undefined, () => 1),
      1600,
    );
    assert.equal(
      backoffMs(10, 200, 2000, undefined, () => 1),
      2000,
    );
    assert.equal(
      backoffMs(0, 200, 2000, '1', () => 0.5),
      1000,
    );
    assert.equal(
      backoffMs(0, 200, 2000, '7', () => 0.5),
      null,
      'longer than the cap: try the next target instead',
    );
  });
});
