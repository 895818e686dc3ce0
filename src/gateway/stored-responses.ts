import type { StoredResponse } from '../responses/response-store.js';
import type { GatewayDeps } from './gateway-deps.js';
import type { GatewayRequest } from './request.js';

export type { StoredResponse } from '../responses/response-store.js';

/** The owner of what a request stores: its key, or the master key. Stored responses are per key. */
function ownerOf(request: GatewayRequest): string {
  const principal = request.outcome.principal;
  return principal?.keyId ?? 'master';
}

/** Stores a Responses API response for the request's key, as the client sent and received it. */
export function saveResponse(deps: GatewayDeps, request: GatewayRequest, stored: Omit<StoredResponse, 'keyId'>): Promise<void> {
  return deps.responses.save({ ...stored, keyId: ownerOf(request) }, Date.now());
}

/** A stored response of the request's key; undefined when missing, expired or another key's. */
export function findResponse(deps: GatewayDeps, request: GatewayRequest, id: string): Promise<StoredResponse | undefined> {
  return deps.responses.find(id, ownerOf(request), Date.now());
}

export function deleteResponse(deps: GatewayDeps, request: GatewayRequest, id: string): Promise<boolean> {
  return deps.responses.delete(id, ownerOf(request));
}
