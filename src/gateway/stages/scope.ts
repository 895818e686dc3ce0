import { checkScope, type ScopeRequest } from '../../auth/scope.js';
import type { Caller } from '../../router/request-facts.js';
import type { GatewayRequest } from '../request.js';

/**
 * Stage 1: the key may call this endpoint, with this model, on these collections (403 `forbidden`
 * naming what is denied). The master key may do anything.
 */
export function scope(request: GatewayRequest, need: ScopeRequest): void {
  const { principal } = request.outcome;
  if (principal !== null) checkScope(principal, need);
}

/** The caller as routing rules see it. */
export function callerOf(request: GatewayRequest): Caller {
  const { principal } = request.outcome;
  if (principal === null) return { keyId: null, keyName: null, team: null };
  return { keyId: principal.keyId, keyName: principal.name, team: principal.team?.id ?? null };
}
