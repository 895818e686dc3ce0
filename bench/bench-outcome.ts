import type { RequestOutcome } from '../src/audit/request-outcome.js';

/** The outcome of one served chat request, as the record benches write it (gateway-record, record-path-probe). */
export function benchOutcome(principal: RequestOutcome['principal'], requestId: string): RequestOutcome {
  return {
    requestId,
    startedAt: Date.now(),
    principal,
    endpoint: 'chat',
    endpointKnown: true,
    model: 'bench',
    modelKnown: true,
    route: null,
    provider: 'upstream',
    upstreamModel: 'bench-upstream',
    locality: 'cloud',
    privacy: { action: null, findings: {} },
    status: 200,
    errorCode: null,
    usage: { inputTokens: 12, outputTokens: 24, estimated: false },
    costUsd: 0.00001,
    heldUsd: 0.001,
    latencyMs: 1.25,
    log: { ttftMs: null, streamed: false },
  };
}
