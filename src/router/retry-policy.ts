import { FlambeauError } from '../errors/index.js';

export type FailureKind = 'retry' | 'next-target' | 'final';

/**
 * What a failure of one target means for the request: `retry` the same target (429, 5xx, reset,
 * timeout), move on to the `next-target` (other upstream errors, engine queue full), or `final`:
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
      return status === 429 || status >= 500 ? 'retry' : 'next-target';
    }
    case 'engine_unavailable':
      return 'next-target';
    default:
      return 'final';
  }
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
