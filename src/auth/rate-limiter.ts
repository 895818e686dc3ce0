import { FlambeauError } from '../errors/index.js';
import type { KeyPrincipal } from './principal.js';

/**
 * Requests and tokens per minute, per key and per team, as GCRA (the generic cell rate
 * algorithm: a leaky bucket kept as one number per limit, the "theoretical arrival time"). A
 * limit of N per minute lets N through at once, then one every 60/N seconds: a sliding window
 * without a burst at each window edge, and O(1) state per bucket (one Redis key).
 */
export interface RateLimiter {
  /**
   * Counts one request and `estimatedTokens` against every limit of the key and its team, all or
   * none. Resolves to the grant and its OpenAI-style `x-ratelimit-*` headers (the tightest of the
   * key's and the team's); throws `rate_limited` (429) with `details.retryAfter` in seconds (the
   * headers of the refusal: `rateLimitHeadersOf(error)`), or `store_unavailable` (503).
   */
  check(principal: KeyPrincipal, estimatedTokens: number): Promise<RateLimitGrant>;
  /** Corrects the token count once the call's real usage is known (a refund when it used fewer). */
  record(grant: RateLimitGrant, actualTokens: number): Promise<void>;
  close(): Promise<void>;
}

export interface RateLimitGrant {
  readonly headers: Readonly<Record<string, string>>;
  readonly buckets: readonly Bucket[];
  readonly estimatedTokens: number;
}

export interface Bucket {
  /** e.g. `key:3f9a0c21b7de:tpm`: unique per principal and dimension. */
  id: string;
  kind: 'requests' | 'tokens';
  scope: 'key' | 'team';
  /** Units per window. */
  limit: number;
  /** Units this request takes. */
  cost: number;
}

export const WINDOW_MS = 60_000;

/** The buckets a request from `principal` draws from; none for the master key or a key without limits. */
export function bucketsFor(principal: KeyPrincipal, estimatedTokens: number): Bucket[] {
  const buckets: Bucket[] = [];
  const tokens = Math.max(0, Math.ceil(estimatedTokens));
  const add = (scope: 'key' | 'team', id: string, rpm: number | null, tpm: number | null) => {
    if (rpm !== null) buckets.push({ id: `${scope}:${id}:rpm`, kind: 'requests', scope, limit: rpm, cost: 1 });
    if (tpm !== null) buckets.push({ id: `${scope}:${id}:tpm`, kind: 'tokens', scope, limit: tpm, cost: tokens });
  };
  if (principal.keyId !== null) add('key', principal.keyId, principal.limits.rpm, principal.limits.tpm);
  if (principal.team !== null) add('team', principal.team.id, principal.team.limits.rpm, principal.team.limits.tpm);
  return buckets;
}

/** Milliseconds one unit occupies in a bucket. */
export function intervalMs(bucket: Pick<Bucket, 'limit'>): number {
  return WINDOW_MS / bucket.limit;
}

export interface Evaluation {
  allowed: boolean;
  /** Stored arrival times after the request (unchanged when refused). */
  tats: number[];
  headers: Record<string, string>;
  /** Milliseconds until the request would fit; 0 when allowed; Infinity when it never can. */
  retryMs: number;
}

// Half a microsecond of slack: Lua and JS may round the same float sums differently.
const EPSILON = 0.0005;

/** GCRA over several buckets at once, all or none. Pure: the Redis script mirrors its decision. */
export function evaluate(buckets: readonly Bucket[], stored: readonly (number | null)[], now: number): Evaluation {
  let allowed = true;
  let retryMs = 0;
  const next = buckets.map((bucket, i) => {
    const base = Math.max(stored[i] ?? now, now);
    const tat = base + bucket.cost * intervalMs(bucket);
    if (bucket.cost > bucket.limit) {
      allowed = false;
      retryMs = Infinity;
    } else if (tat - now > WINDOW_MS + EPSILON) {
      allowed = false;
      retryMs = Math.max(retryMs, tat - WINDOW_MS - now);
    }
    return { base, tat };
  });
  const after = next.map((n) => (allowed ? n.tat : n.base));
  const headers = headersFor(buckets, after, now);
  return { allowed, tats: allowed ? after : next.map((n, i) => stored[i] ?? n.base), headers, retryMs: allowed ? 0 : retryMs };
}

// The header names of each kind, made once (not a template string per header per request).
const HEADER_NAMES = {
  requests: { limit: 'x-ratelimit-limit-requests', remaining: 'x-ratelimit-remaining-requests', reset: 'x-ratelimit-reset-requests' },
  tokens: { limit: 'x-ratelimit-limit-tokens', remaining: 'x-ratelimit-remaining-tokens', reset: 'x-ratelimit-reset-tokens' },
} as const;

function headersFor(buckets: readonly Bucket[], tats: readonly number[], now: number): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const kind of KINDS) {
    let found = false;
    let limit = 0;
    let remaining = 0;
    let resetMs = 0;
    for (let i = 0; i < buckets.length; i++) {
      const bucket = buckets[i] as Bucket;
      if (bucket.kind !== kind) continue;
      const busy = Math.max(0, (tats[i] ?? now) - now);
      const left = Math.max(0, Math.floor((WINDOW_MS - busy) / intervalMs(bucket) + EPSILON));
      if (!found || left < remaining) {
        found = true;
        limit = bucket.limit;
        remaining = left;
        resetMs = busy;
      }
    }
    if (!found) continue;
    const names = HEADER_NAMES[kind];
    headers[names.limit] = String(limit);
    headers[names.remaining] = String(remaining);
    headers[names.reset] = formatReset(resetMs);
  }
  return headers;
}

const KINDS = ['requests', 'tokens'] as const;

/** A duration as OpenAI (and Go's time.Duration) write it: `20ms`, `1.5s`, `6m0s`, `1h0m0s`. */
export function formatReset(ms: number): string {
  if (!(ms > 0)) return '0s';
  const whole = Math.ceil(ms);
  if (whole < 1000) return `${whole}ms`;
  const hours = Math.floor(whole / 3_600_000);
  const minutes = Math.floor((whole % 3_600_000) / 60_000);
  const seconds = `${Number(((whole % 60_000) / 1000).toFixed(3))}s`;
  if (hours > 0) return `${hours}h${minutes}m${seconds}`;
  if (minutes > 0) return `${minutes}m${seconds}`;
  return seconds;
}

const refusalHeaders = new WeakMap<FlambeauError, Record<string, string>>();

/** The `x-ratelimit-*` headers to send with a `rate_limited` refusal from `check` ({} for other errors). */
export function rateLimitHeadersOf(error: FlambeauError): Record<string, string> {
  return refusalHeaders.get(error) ?? {};
}

/**
 * The `rate_limited` error for a refused evaluation, naming the limit that refused it. Its
 * headers are the evaluation's, except that `x-ratelimit-reset-*` of each refusing kind says when
 * this request fits again: the very moment `Retry-After` gives (rounded up to whole seconds
 * there), both from `evaluation.retryMs`. On a grant, the reset is the time until the bucket is
 * full again, as OpenAI's headers mean it; on a refusal that time (up to a minute) is not when
 * to retry, and two waits in one answer leave a client to guess.
 */
export function refusal(
  principal: KeyPrincipal,
  buckets: readonly Bucket[],
  stored: readonly (number | null)[],
  evaluation: Evaluation,
  now: number,
): FlambeauError {
  const refusing = buckets.filter(
    (bucket, i) => bucket.cost > bucket.limit || Math.max(stored[i] ?? now, now) + bucket.cost * intervalMs(bucket) - now > WINDOW_MS + EPSILON,
  );
  // The Redis script may refuse by a rounding hair where this evaluation would not: blame the first bucket then.
  const blocking = refusing[0] ?? buckets[0];
  const owner = blocking?.scope === 'team' ? `team ${principal.team?.id ?? ''}` : `API key ${principal.keyId ?? ''}`;
  const unit = blocking?.kind === 'tokens' ? 'tokens' : 'requests';
  const headers = { ...evaluation.headers };
  let error: FlambeauError;
  if (evaluation.retryMs === Infinity) {
    error = new FlambeauError(
      'rate_limited',
      `This request needs about ${blocking?.cost ?? 0} tokens, more than the ${blocking?.limit ?? 0} tokens per minute allowed to ${owner}; it can never fit: send less or lower max_tokens.`,
      {
        details: { scope: blocking?.scope, limit: unit, limitPerMinute: blocking?.limit, requestTokens: blocking?.cost },
      },
    );
  } else {
    const retryAfter = Math.max(1, Math.ceil(evaluation.retryMs / 1000));
    for (const bucket of refusing.length > 0 ? refusing : buckets.slice(0, 1)) headers[`x-ratelimit-reset-${bucket.kind}`] = formatReset(evaluation.retryMs);
    error = new FlambeauError('rate_limited', `Rate limit reached for ${owner}: ${blocking?.limit ?? 0} ${unit} per minute. Retry in ${retryAfter}s.`, {
      details: { scope: blocking?.scope, limit: unit, limitPerMinute: blocking?.limit, retryAfter },
    });
  }
  refusalHeaders.set(error, headers);
  return error;
}
