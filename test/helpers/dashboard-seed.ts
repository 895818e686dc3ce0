import { MASTER_PRINCIPAL, type KeyPrincipal } from '../../src/auth/principal.js';
import type { RequestOutcome } from '../../src/audit/request-outcome.js';
import type { DashboardWindow } from '../../src/usage/dashboard-queries.js';

// The requests the dashboard query tests record, with the window their expected answers are
// worked out for (the contract suite on each store, and the SQLite vs PostgreSQL comparison).

export const HOUR = 3_600_000;
export const SINCE = Date.UTC(2026, 10, 15, 0);
export const WINDOW: DashboardWindow = { since: SINCE, until: SINCE + 4 * HOUR, bucketMs: HOUR };
export const alice: KeyPrincipal = { ...MASTER_PRINCIPAL, kind: 'key', keyId: 'aaaaaaaaaaaa', name: 'alice' };

export function outcome(requestId: string, extra: Partial<RequestOutcome> = {}): RequestOutcome {
  return {
    requestId,
    startedAt: SINCE + 30 * 60_000,
    principal: MASTER_PRINCIPAL,
    endpoint: '/v1/chat/completions',
    model: 'auto',
    route: 'default',
    provider: 'office',
    upstreamModel: 'office-upstream',
    locality: 'lan',
    privacy: null,
    status: 200,
    errorCode: null,
    usage: { inputTokens: 100, outputTokens: 20, estimated: false },
    costUsd: 0,
    latencyMs: 100,
    log: { ttftMs: null, streamed: false },
    content: { request: 'secret prompt text' },
    ...extra,
  };
}

/** The requests every implementation is given, as the one record the gateway keeps per request. */
export const SEED: readonly RequestOutcome[] = [
  outcome('r1', { latencyMs: 100, log: { ttftMs: 40, streamed: true } }),
  outcome('r2', { latencyMs: 200, startedAt: SINCE + HOUR + 1, log: { ttftMs: 60, streamed: true } }),
  outcome('r3', { latencyMs: 300, startedAt: SINCE + 2 * HOUR + 5, principal: alice, privacy: { action: 'redact', findings: { EMAIL: 2, PHONE: 1 } } }),
  outcome('r4', {
    route: null,
    model: 'cloud-big',
    provider: 'cloud',
    upstreamModel: 'cloud-upstream',
    locality: 'cloud',
    costUsd: 0.5,
    latencyMs: 400,
    startedAt: SINCE + 2 * HOUR + 10,
    privacy: { action: 'redact', findings: { EMAIL: 1 } },
  }),
  outcome('r5', {
    provider: null,
    upstreamModel: null,
    locality: null,
    status: 403,
    errorCode: 'policy_denied',
    usage: null,
    latencyMs: 5,
    startedAt: SINCE + 3 * HOUR,
    injection: [{ source: 'user', score: 0.99, signals: ['ignore_previous'] }],
  }),
  // Outside the window: counted nowhere.
  outcome('r6', { startedAt: SINCE - 1 }),
];
