import { bucketsFor, evaluate, intervalMs, refusal, type RateLimiter, type RateLimitGrant } from './rate-limiter.js';

const NO_LIMITS: RateLimitGrant = Object.freeze({ headers: Object.freeze({}), buckets: Object.freeze([]), estimatedTokens: 0 });

/**
 * The rate limiter of a single instance: one number per bucket in a Map. With several gateway
 * instances, use the Redis limiter instead (each instance would otherwise allow the full rate).
 */
export function createMemoryRateLimiter(options: { clock?: () => number } = {}): RateLimiter {
  const clock = options.clock ?? Date.now;
  const tats = new Map<string, number>();
  let nextSweep = 0;

  // Buckets whose arrival time has passed are full again: forgetting them changes nothing.
  function sweep(now: number): void {
    if (now < nextSweep) return;
    nextSweep = now + 60_000;
    for (const [id, tat] of tats) if (tat <= now) tats.delete(id);
  }

  return {
    async check(principal, estimatedTokens) {
      const buckets = bucketsFor(principal, estimatedTokens);
      if (buckets.length === 0) return NO_LIMITS;
      const now = clock();
      sweep(now);
      const stored = buckets.map((b) => tats.get(b.id) ?? null);
      const evaluation = evaluate(buckets, stored, now);
      if (!evaluation.allowed) throw refusal(principal, buckets, stored, evaluation, now);
      buckets.forEach((b, i) => tats.set(b.id, evaluation.tats[i] as number));
      return { headers: evaluation.headers, buckets, estimatedTokens: Math.max(0, Math.ceil(estimatedTokens)) };
    },
    async record(grant, actualTokens) {
      const delta = Math.max(0, Math.ceil(actualTokens)) - grant.estimatedTokens;
      if (delta === 0) return;
      const now = clock();
      for (const bucket of grant.buckets) {
        if (bucket.kind !== 'tokens') continue;
        const tat = Math.max(tats.get(bucket.id) ?? now, now) + delta * intervalMs(bucket);
        if (tat <= now) tats.delete(bucket.id);
        else tats.set(bucket.id, tat);
      }
    },
    async close() {
      tats.clear();
    },
  };
}
