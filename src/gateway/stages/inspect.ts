import type { ChatInspection } from '../../privacy/index.js';
import type { ChatRequest } from '../../providers/spec.js';
import type { GatewayDeps } from '../gateway-deps.js';

/**
 * Stage 5: scans everything the request would send for personal data and secrets (values are
 * kept in the inspection, never in the record: only types and counts leave this stage).
 */
export async function inspect(request: ChatRequest, deps: Pick<GatewayDeps, 'privacy'>): Promise<ChatInspection> {
  return deps.privacy.inspectChat(request);
}
