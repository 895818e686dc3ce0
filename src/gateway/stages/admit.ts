import { rateLimitHeadersOf } from '../../auth/rate-limiter.js';
import { FlambeauError } from '../../errors/index.js';
import type { GatewayDeps } from '../gateway-deps.js';
import type { GatewayRequest } from '../request.js';

/**
 * Stage 2: counts the request against its key's and team's per-minute limits (429 `rate_limited`
 * when over). The x-ratelimit-* headers are kept either way, for the response.
 */
export async function admit(request: GatewayRequest, estimatedTokens: number, deps: Pick<GatewayDeps, 'limiter'>): Promise<void> {
  const { principal } = request.outcome;
  if (principal === null) return;
  try {
    request.grant = await deps.limiter.check(principal, estimatedTokens);
  } catch (error) {
    if (error instanceof FlambeauError) request.rateLimitHeaders = rateLimitHeadersOf(error);
    throw error;
  }
  // The grant's own headers (made for this request, or the frozen empty set): only read from here on.
  request.rateLimitHeaders = request.grant.headers;
}
