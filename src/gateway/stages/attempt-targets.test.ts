import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { FlambeauError } from '../../errors/index.js';
import { gatewayWorld, type GatewayWorld } from '../__fixtures__/gateway-world.js';
import { openRequest } from '../request.js';
import { attemptTargets } from './attempt-targets.js';
import type { PreparedTarget } from './prepare-target.js';
import { route } from './route.js';

// The attempt loop on its own: what each target "answers" is scripted through `run`, waits go to
// the world's recorder, jitter comes from its `random` (0.5).
const upstream = (status: number) => new FlambeauError('upstream_failed', `upstream ${status}`, { details: { upstreamStatus: status } });

let world: GatewayWorld;
afterEach(async () => world.close());

async function routed(models: string[], signal = new AbortController().signal) {
  const chat = { model: models.length === 1 ? (models[0] as string) : 'auto', messages: [{ role: 'user' as const, content: 'hello' }] };
  const inspection = await world.deps.privacy.inspectChat(chat);
  return route({ request: chat, inspection, caller: { keyId: null, keyName: null, team: null }, tags: undefined, signal }, world.deps);
}

describe('attemptTargets: retries, breaker, fallback', () => {
  it('retries a retryable failure with backoff, then answers; the breaker stays closed', async () => {
    world = gatewayWorld([{ name: 'a', locality: 'cloud' }], { routing: { retries: 2 } });
    const request = openRequest('r1', '/v1/chat/completions');
    const script = [upstream(503), upstream(429)];
    const tried: string[] = [];
    const out = await attemptTargets(request, await routed(['a']), ['a'], world.deps, async (plan: PreparedTarget) => {
      tried.push(plan.target.name);
      const next = script.shift();
      if (next !== undefined) throw next;
      return 'answer';
    });
    assert.equal(out, 'answer');
    assert.deepEqual(tried, ['a', 'a', 'a']);
    // retry_base_delay_ms 200 doubling, half of it jittered away at random 0.5: 150 then 300.
    assert.deepEqual(world.sleeps, [150, 300]);
    assert.equal(world.deps.router.breakers.state('cloud'), 'closed');
    assert.equal(request.outcome.provider, 'cloud');
    assert.equal(request.outcome.upstreamModel, 'upstream-a');
  });

  it('moves to the next candidate on a non-retryable upstream answer, without feeding its breaker', async () => {
    world = gatewayWorld(
      [
        { name: 'a', locality: 'cloud' },
        { name: 'b', locality: 'lan' },
      ],
      { routes: [{ name: 'both', to: ['a', 'b'] }] },
    );
    const request = openRequest('r2', '/v1/chat/completions');
    const r = await routed(['a', 'b']);
    assert.deepEqual(r.decision.candidates, ['a', 'b']);
    for (let i = 0; i < 10; i++) {
      const out = await attemptTargets(request, r, r.decision.candidates, world.deps, async (plan) => {
        if (plan.target.name === 'a') throw upstream(400);
        return plan.target.name;
      });
      assert.equal(out, 'b');
    }
    assert.deepEqual(world.sleeps, [], 'a 400 is not retried');
    assert.equal(world.deps.router.breakers.state('cloud'), 'closed', "a 400 is the request's fault, not the provider's");
    assert.equal(request.outcome.locality, 'lan', 'the target that answered is recorded');
  });

  it('opens the breaker on repeated upstream faults, then skips the provider', async () => {
    world = gatewayWorld([{ name: 'a', locality: 'cloud' }], { routing: { retries: 0, breaker_failures: 3 } });
    const request = openRequest('r3', '/v1/chat/completions');
    const r = await routed(['a']);
    let calls = 0;
    const failing = async () => {
      calls += 1;
      throw upstream(500);
    };
    for (let i = 0; i < 3; i++)
      await assert.rejects(attemptTargets(request, r, ['a'], world.deps, failing), (e: FlambeauError) => e.code === 'upstream_failed');
    assert.equal(world.deps.router.breakers.state('cloud'), 'open');
    await assert.rejects(
      attemptTargets(request, r, ['a'], world.deps, failing),
      (e: FlambeauError) => e.code === 'no_target_available' && /circuit breaker open/.test(e.message),
    );
    assert.equal(calls, 3, 'an open breaker sends nothing');
  });

  it("returns a single candidate's own error as it is, and lists every reason when several failed", async () => {
    world = gatewayWorld(
      [
        { name: 'a', locality: 'cloud' },
        { name: 'b', locality: 'lan' },
      ],
      { routes: [{ name: 'both', to: ['a', 'b'] }], routing: { retries: 0 } },
    );
    const one = await routed(['a']);
    await assert.rejects(
      attemptTargets(openRequest('r4', '/v1'), one, ['a'], world.deps, async () => {
        throw upstream(404);
      }),
      (e: FlambeauError) => e.code === 'upstream_failed' && e.message === 'upstream 404',
    );
    const both = await routed(['a', 'b']);
    await assert.rejects(
      attemptTargets(openRequest('r5', '/v1'), both, both.decision.candidates, world.deps, async (plan) => {
        throw upstream(plan.target.name === 'a' ? 401 : 502);
      }),
      (e: FlambeauError) => {
        const reasons = (e.details as { reasons: { model: string; reason: string }[] }).reasons;
        return e.code === 'no_target_available' && reasons.length === 2 && reasons[0]?.model === 'a' && reasons[1]?.model === 'b';
      },
    );
  });

  it('stops at once when the client goes away, leaving the breaker as it was', async () => {
    world = gatewayWorld([{ name: 'a', locality: 'cloud' }]);
    const controller = new AbortController();
    const r = await routed(['a'], controller.signal);
    await assert.rejects(
      attemptTargets(openRequest('r6', '/v1'), r, ['a'], world.deps, async () => {
        controller.abort(new FlambeauError('client_closed', 'gone'));
        throw upstream(503);
      }),
      (e: FlambeauError) => e.message === 'upstream 503',
    );
    assert.deepEqual(world.sleeps, [], 'no retry after the client left');
    assert.equal(world.deps.router.breakers.state('cloud'), 'closed');
  });
});
