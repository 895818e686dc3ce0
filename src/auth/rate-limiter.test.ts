import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { FlambeauError } from '../errors/index.js';
import { createMemoryRateLimiter } from './memory-rate-limiter.js';
import { MASTER_PRINCIPAL, type KeyPrincipal, type Limits } from './principal.js';
import { createRedisRateLimiter } from './redis-rate-limiter.js';
import { formatReset, rateLimitHeadersOf, type RateLimiter } from './rate-limiter.js';
import { reachable } from '../../test/helpers/reachable.js';

function principal(keyId: string, limits: Partial<Limits>, team?: { id: string; limits: Partial<Limits> }): KeyPrincipal {
  return {
    ...MASTER_PRINCIPAL,
    kind: 'key',
    keyId,
    name: keyId,
    limits: { rpm: null, tpm: null, ...limits },
    team: team === undefined ? null : { id: team.id, budget: null, limits: { rpm: null, tpm: null, ...team.limits } },
  };
}

async function refusalOf(promise: Promise<unknown>): Promise<FlambeauError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof FlambeauError, String(error));
    return error;
  }
  assert.fail('expected a rate_limited refusal');
}

/** The refusal's `x-ratelimit-reset-<kind>` names the same wait as its Retry-After (whole seconds, rounded up). */
function assertResetAgrees(refused: FlambeauError, kind: 'requests' | 'tokens'): void {
  const reset = rateLimitHeadersOf(refused)[`x-ratelimit-reset-${kind}`] ?? '';
  const match = /^(?:(\d+)m)?(\d+(?:\.\d+)?)(ms|s)$/.exec(reset);
  assert.ok(match !== null, reset);
  const ms = Number(match[1] ?? 0) * 60_000 + Number(match[2]) * (match[3] === 'ms' ? 1 : 1000);
  assert.equal(Math.max(1, Math.ceil(ms / 1000)), refused.details.retryAfter, `reset ${reset} vs Retry-After ${String(refused.details.retryAfter)}`);
}

/** What every limiter must do, on a real clock (Redis keeps its own): no waiting except for refills. */
function describeRateLimiterContract(name: string, make: () => RateLimiter | undefined, skip: () => string | false) {
  describe(`${name} rate limiter (contract)`, () => {
    let limiter: RateLimiter;
    let run = 0;
    const id = (label: string) => `${label}-${process.pid}-${run}-${randomBytes(3).toString('hex')}`;
    before(() => {
      limiter = make() as RateLimiter;
    });
    after(async () => {
      await limiter?.close();
    });

    it('lets rpm requests through at once, then refuses with 429, Retry-After and headers', async (t) => {
      if (skip()) return t.skip(skip() as string);
      run++;
      const key = principal(id('k'), { rpm: 3 });
      const grants = [];
      for (let i = 0; i < 3; i++) grants.push(await limiter.check(key, 0));
      assert.equal(grants[0]?.headers['x-ratelimit-limit-requests'], '3');
      assert.deepEqual(
        grants.map((g) => g.headers['x-ratelimit-remaining-requests']),
        ['2', '1', '0'],
      );
      assert.match(grants[2]?.headers['x-ratelimit-reset-requests'] ?? '', /^(\d+(\.\d+)?s|1m0s)$/);
      const refused = await refusalOf(limiter.check(key, 0));
      assert.equal(refused.code, 'rate_limited');
      assert.equal(refused.status, 429);
      assert.equal(refused.details.limit, 'requests');
      assert.ok(typeof refused.details.retryAfter === 'number' && refused.details.retryAfter >= 1 && refused.details.retryAfter <= 20);
      assert.equal(rateLimitHeadersOf(refused)['x-ratelimit-remaining-requests'], '0');
      assertResetAgrees(refused, 'requests');
    });

    it('counts tokens, corrects them after the call, and refuses a request larger than the limit', async (t) => {
      if (skip()) return t.skip(skip() as string);
      const key = principal(id('k'), { tpm: 1000 });
      const first = await limiter.check(key, 800);
      assert.equal(first.headers['x-ratelimit-limit-tokens'], '1000');
      assert.equal(first.headers['x-ratelimit-remaining-tokens'], '200');
      const overTokens = await refusalOf(limiter.check(key, 300));
      assert.equal(overTokens.details.limit, 'tokens');
      assertResetAgrees(overTokens, 'tokens');
      await limiter.record(first, 100); // it used only 100: 700 come back
      const second = await limiter.check(key, 300);
      assert.ok(Number(second.headers['x-ratelimit-remaining-tokens']) >= 599);
      const tooLarge = await refusalOf(limiter.check(key, 1001));
      assert.equal(tooLarge.code, 'rate_limited');
      assert.equal(tooLarge.details.retryAfter, undefined);
      assert.match(tooLarge.message, /can never fit/);
    });

    it("shares team limits across the team's keys, all or none", async (t) => {
      if (skip()) return t.skip(skip() as string);
      const team = { id: id('team'), limits: { rpm: 4 } };
      const a = principal(id('a'), { rpm: 3 }, team);
      const b = principal(id('b'), { rpm: 3 }, team);
      const results = await Promise.allSettled([a, a, a, b, b, b].map((p) => limiter.check(p, 0)));
      assert.equal(results.filter((r) => r.status === 'fulfilled').length, 4);
      const refused = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      assert.equal((refused?.reason as FlambeauError).details.scope, 'team');
    });

    it('refills over time', async (t) => {
      if (skip()) return t.skip(skip() as string);
      const key = principal(id('k'), { tpm: 600 }); // one token back every 100 ms
      await limiter.check(key, 600);
      await refusalOf(limiter.check(key, 600)); // a full minute away
      await sleep(250);
      await limiter.check(key, 1);
    });

    it('adds nothing for the master key', async (t) => {
      if (skip()) return t.skip(skip() as string);
      assert.deepEqual((await limiter.check(MASTER_PRINCIPAL, 1e9)).headers, {});
    });
  });
}

describe('rate limit headers', () => {
  it('formats resets as OpenAI does (Go durations)', () => {
    const cases: [number, string][] = [
      [0, '0s'],
      [20, '20ms'],
      [999.2, '1s'],
      [998.5, '999ms'],
      [1000, '1s'],
      [1500, '1.5s'],
      [17_250, '17.25s'],
      [360_000, '6m0s'],
      [61_500, '1m1.5s'],
      [3_600_000, '1h0m0s'],
    ];
    for (const [ms, text] of cases) assert.equal(formatReset(ms), text, String(ms));
  });
});

describe('memory rate limiter', () => {
  it('refills at limit/60 s and says when to retry', async () => {
    let now = 1_000_000;
    const limiter = createMemoryRateLimiter({ clock: () => now });
    const key = principal('k', { rpm: 3 });
    for (let i = 0; i < 3; i++) await limiter.check(key, 0);
    const refused = await refusalOf(limiter.check(key, 0));
    assert.equal(refused.details.retryAfter, 20);
    // The refusal's reset is when this request fits: the moment Retry-After gives, not a full refill.
    assert.equal(rateLimitHeadersOf(refused)['x-ratelimit-reset-requests'], '20s');
    now += 19_000;
    const later = await refusalOf(limiter.check(key, 0));
    assert.equal(later.details.retryAfter, 1);
    assert.equal(rateLimitHeadersOf(later)['x-ratelimit-reset-requests'], '1s');
    now += 999;
    assert.equal(rateLimitHeadersOf(await refusalOf(limiter.check(key, 0)))['x-ratelimit-reset-requests'], '1ms');
    now += 1;
    const grant = await limiter.check(key, 0);
    assert.equal(grant.headers['x-ratelimit-remaining-requests'], '0');
    assert.equal(grant.headers['x-ratelimit-reset-requests'], '1m0s');
    now += 60_000;
    assert.equal((await limiter.check(key, 0)).headers['x-ratelimit-remaining-requests'], '2');
  });
});

describeRateLimiterContract(
  'memory',
  () => createMemoryRateLimiter(),
  () => false,
);

// The Redis limiter is tested against a real server: 127.0.0.1:6379 (or FLAMBEAU_TEST_REDIS_URL).
// Without one it skips, saying so; in CI (CI=true) a missing Redis is a failure.
const redisUrl = process.env.FLAMBEAU_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const redisUp = await reachable(new URL(redisUrl));
if (!redisUp && process.env.CI === 'true') throw new Error(`Redis is not reachable at ${redisUrl}; CI must run the Redis rate-limiter tests`);
const prefix = `flambeau-test:${process.pid}:${randomBytes(4).toString('hex')}:`;
let admin: Redis | undefined;

describeRateLimiterContract(
  'redis',
  () => (redisUp ? createRedisRateLimiter({ url: redisUrl, keyPrefix: prefix }) : undefined),
  () => (redisUp ? false : `no Redis at ${redisUrl}`),
);

describe('redis rate limiter across instances', () => {
  after(async () => {
    if (admin === undefined) return;
    // Clean up this run's keys (they also expire on their own within a minute).
    const keys = await admin.keys(`${prefix}*`);
    if (keys.length > 0) await admin.del(...keys);
    await admin.quit();
  });

  it('enforces one limit across two gateway instances', async (t) => {
    if (!redisUp) return t.skip(`no Redis at ${redisUrl}`);
    admin = new Redis(redisUrl);
    const one = createRedisRateLimiter({ url: redisUrl, keyPrefix: prefix });
    const two = createRedisRateLimiter({ url: redisUrl, keyPrefix: prefix });
    try {
      const key = principal(`shared-${randomBytes(3).toString('hex')}`, { rpm: 5 });
      const results = await Promise.allSettled(Array.from({ length: 12 }, (_, i) => (i % 2 === 0 ? one : two).check(key, 0)));
      assert.equal(results.filter((r) => r.status === 'fulfilled').length, 5);
      assert.ok((await admin.keys(`${prefix}*`)).length > 0);
    } finally {
      await one.close();
      await two.close();
    }
  });

  it('fails closed with 503 store_unavailable when Redis cannot be reached', async () => {
    const limiter = createRedisRateLimiter({ url: 'redis://127.0.0.1:1', commandTimeoutMs: 200 });
    try {
      const error = await refusalOf(limiter.check(principal('k', { rpm: 5 }), 0));
      assert.equal(error.code, 'store_unavailable');
      assert.equal(error.status, 503);
    } finally {
      await limiter.close();
    }
  });
});
