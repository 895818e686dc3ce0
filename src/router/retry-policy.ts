import { FlambeauError } from '../errors/index.js';

export type FailureKind = 'retry' | 'next-target' | 'final';

/**
 * What a failure of one target means for the request: `retry` the same target (408, 429, 5xx,
 * reset, timeout), move on to the `next-target` (other upstream errors, engine queue full), or `final`:
 * the caller's own mistake or a refusal, which no other target would fix.
 */
export function classifyFailure(error: unknown): FailureKind {
  if (!(error instanceof FlambeauError)) return 'next-target';
  switch (error.code) {
    case 'upstream_timeout':
      return 'retry';
    case 'upstream_failed': {
      const status = error.details.upstreamStatus;
      if (typeof status !== 'number') return 'retry'; // transport: refused, reset, truncated
      return status === 429 || status === 408 || status >= 500 ? 'retry' : 'next-target';
    }
    case 'engine_unavailable':
      return 'next-target';
    default:
      return 'final';
  }
}

/**
 * Whether a failure says the provider itself is unwell, and so counts toward its circuit breaker:
 * a connect error, reset or truncated answer, a timeout, a 5xx, a 429 (the provider is
 * overloaded: backing off everyone is the point), or a 408 (the provider did not take our request
 * in time: its side or the path to it). Never the request's own fault: an upstream 4xx refusing
 * this request (400, 404, 409, 413, 422, …) says nothing about the next caller, nor does an error
 * raised on our side before or after the call (serialising the body, a policy, an engine queue that
 * is full: load shedding). One caller's bad input must not close a provider to everyone.
 * (409 is left out though OpenAI's SDK retries it: it is a conflict about this request's resource.)
 */
export function isUpstreamFault(error: unknown): boolean {
  if (!(error instanceof FlambeauError)) return false;
  if (error.code === 'upstream_timeout') return true;
  if (error.code !== 'upstream_failed') return false;
  const status = error.details.upstreamStatus;
  if (typeof status !== 'number') return true; // transport: refused, reset, truncated, unreadable
  return status >= 500 || status === 429 || status === 408;
}

/** Exponential backoff with "equal jitter": half fixed, half random; honours a short Retry-After. */
export function backoffMs(attempt: number, baseMs: number, maxMs: number, retryAfter: unknown, random: () => number = Math.random): number | null {
  if (retryAfter !== undefined && retryAfter !== null) {
    const seconds = Number(retryAfter);
    if (Number.isFinite(seconds) && seconds >= 0) {
      const ms = seconds * 1000;
      // Waiting longer than our cap is worse than trying the next target.
      return ms <= maxMs ? ms : null;
    }
  }
  const ceiling = Math.min(maxMs, baseMs * 2 ** attempt);
  return ceiling / 2 + random() * (ceiling / 2);
}
