import type { KeyPrincipal } from '../../auth/principal.js';
import type { RequestOutcome } from '../request-outcome.js';

/** A served chat request's outcome, as the gateway fills it, for tests of the durable record. */
export function sampleOutcome(requestId: string, principal: KeyPrincipal, overrides: Partial<RequestOutcome> = {}): RequestOutcome {
  return {
    requestId,
    startedAt: Date.now(),
    principal,
    endpoint: 'chat',
    model: 'gpt-small',
    modelKnown: true,
    route: null,
    provider: 'cloud',
    upstreamModel: 'gpt-4.1-mini',
    locality: 'cloud',
    privacy: null,
    status: 200,
    errorCode: null,
    usage: { inputTokens: 100, outputTokens: 20, estimated: false },
    costUsd: 0.0003,
    latencyMs: 12.25,
    log: { ttftMs: null, streamed: false },
    ...overrides,
  };
}
