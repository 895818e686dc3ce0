import { Redis } from 'ioredis';
import { FlambeauError } from '../errors/index.js';
import { bucketsFor, evaluate, intervalMs, refusal, WINDOW_MS, type RateLimiter, type RateLimitGrant } from './rate-limiter.js';

// GCRA over all the request's buckets in one atomic script, on Redis's clock (instances' clocks
// may differ). KEYS: one per bucket. ARGV: window ms, then per bucket its interval ms and cost.
// Mirrors evaluate() in rate-limiter.ts; returns now, allowed (0/1), then each stored TAT before
// the update ('' when none), so that the caller computes the same headers as the memory limiter.
const CHECK_LUA = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000
local window = tonumber(ARGV[1])
local stored = {}
local allowed = 1
for i = 1, #KEYS do
  local interval = tonumber(ARGV[2 * i])
  local cost = tonumber(ARGV[2 * i + 1])
  stored[i] = tonumber(redis.call('GET', KEYS[i]))
  local base = math.max(stored[i] or now, now)
  if cost * interval > window + 0.0005 or base + cost * interval - now > window + 0.0005 then allowed = 0 end
end
if allowed == 1 then
  for i = 1, #KEYS do
    local tat = math.max(stored[i] or now, now) + tonumber(ARGV[2 * i + 1]) * tonumber(ARGV[2 * i])
    redis.call('SET', KEYS[i], string.format('%.3f', tat), 'PX', math.ceil(tat - now) + 1000)
  end
end
local out = { string.format('%.3f', now), allowed }
for i = 1, #KEYS do out[#out + 1] = stored[i] and string.format('%.3f', stored[i]) or '' end
return out
`;

// Adds ARGV[i] ms (negative: a refund) to each bucket's TAT; a TAT in the past is a full bucket.
const RECORD_LUA = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000
for i = 1, #KEYS do
  local tat = math.max(tonumber(redis.call('GET', KEYS[i])) or now, now) + tonumber(ARGV[i])
  if tat <= now then redis.call('DEL', KEYS[i])
  else redis.call('SET', KEYS[i], string.format('%.3f', tat), 'PX', math.ceil(tat - now) + 1000) end
end
return 1
`;

type ScriptClient = Redis & {
  flambeauRateCheck(keyCount: number, ...args: (string | number)[]): Promise<[string, number, ...string[]]>;
  flambeauRateRecord(keyCount: number, ...args: (string | number)[]): Promise<number>;
};

export interface RedisRateLimiterOptions {
  /** e.g. `redis://127.0.0.1:6379`. Ignored when `client` is given. */
  url?: string;
  /** An existing ioredis client (the limiter then does not close it). */
  client?: Redis;
  /** Prefix of every key this limiter writes (default `flambeau:rl:`). */
  keyPrefix?: string;
  /** A command slower than this fails the request with `store_unavailable` (default 1000 ms). */
  commandTimeoutMs?: number;
  /** Told of connection errors (ioredis reconnects by itself; requests meanwhile get 503). */
  onError?: (error: Error) => void;
}

/**
 * The rate limiter shared by several gateway instances: each bucket is one Redis key holding its
 * GCRA arrival time, updated by a Lua script so that check-and-update is atomic across instances.
 * Redis unreachable → `store_unavailable` (503): the limiter fails closed.
 */
export function createRedisRateLimiter(options: RedisRateLimiterOptions): RateLimiter {
  const owned = options.client === undefined;
  const client = (options.client ??
    new Redis(options.url ?? 'redis://127.0.0.1:6379', {
      // Fail fast: a request waits at most one timeout for Redis, then gets a 503.
      maxRetriesPerRequest: 1,
      commandTimeout: options.commandTimeoutMs ?? 1000,
      lazyConnect: false,
    })) as ScriptClient;
  if (owned) client.on('error', options.onError ?? (() => {}));
  client.defineCommand('flambeauRateCheck', { lua: CHECK_LUA });
  client.defineCommand('flambeauRateRecord', { lua: RECORD_LUA });
  const prefix = options.keyPrefix ?? 'flambeau:rl:';
  const NO_LIMITS: RateLimitGrant = { headers: {}, buckets: [], estimatedTokens: 0 };

  async function call<T>(what: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (thrown) {
      throw new FlambeauError('store_unavailable', `The rate-limit store (Redis) is unavailable while ${what}: ${(thrown as Error).message}. Retry shortly.`, {
        details: { store: 'redis' },
        cause: thrown,
      });
    }
  }

  return {
    async check(principal, estimatedTokens) {
      const buckets = bucketsFor(principal, estimatedTokens);
      if (buckets.length === 0) return NO_LIMITS;
      const args: (string | number)[] = buckets.map((b) => prefix + b.id);
      args.push(WINDOW_MS);
      for (const b of buckets) args.push(intervalMs(b), b.cost);
      const [nowText, allowedFlag, ...storedText] = await call('checking a rate limit', () => client.flambeauRateCheck(buckets.length, ...args));
      const now = Number(nowText);
      const stored = storedText.map((s) => (s === '' ? null : Number(s)));
      const evaluation = evaluate(buckets, stored, now);
      // The script's verdict is the one that was applied; evaluate() only shapes the headers.
      if (allowedFlag !== 1) {
        const refused = evaluation.allowed ? { ...evaluation, allowed: false, retryMs: Math.max(1, evaluation.retryMs) } : evaluation;
        throw refusal(principal, buckets, stored, refused, now);
      }
      return { headers: evaluation.headers, buckets, estimatedTokens: Math.max(0, Math.ceil(estimatedTokens)) };
    },
    async record(grant, actualTokens) {
      const delta = Math.max(0, Math.ceil(actualTokens)) - grant.estimatedTokens;
      const tokens = grant.buckets.filter((b) => b.kind === 'tokens');
      if (delta === 0 || tokens.length === 0) return;
      await call('recording token use', () =>
        client.flambeauRateRecord(tokens.length, ...tokens.map((b) => prefix + b.id), ...tokens.map((b) => delta * intervalMs(b))),
      );
    },
    async close() {
      if (owned) await client.quit().catch(() => client.disconnect());
    },
  };
}
