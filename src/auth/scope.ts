import { FlambeauError } from '../errors/index.js';
import type { KeyPrincipal } from './principal.js';

/** What a request touches; the model is the name the client asked for (route names such as `auto` included). */
export interface ScopeRequest {
  endpoint: string;
  model?: string | null;
  collections?: readonly string[];
}

/** True when `name` is allowed by a scope list: `*`, the exact name, or a prefix pattern `gpt-*`. */
export function scopeAllows(list: readonly string[], name: string): boolean {
  for (const entry of list) {
    if (entry === '*' || entry === name) return true;
    if (entry.endsWith('*') && name.startsWith(entry.slice(0, -1))) return true;
  }
  return false;
}

/** Whether the key may use this model name (e.g. to filter `GET /v1/models`). */
export function allowsModel(principal: KeyPrincipal, model: string): boolean {
  return scopeAllows(principal.scopes.models, model);
}

/**
 * Throws `forbidden` (403) naming the endpoint, model or collections the key may not use. The
 * endpoint is checked first: a key without `chat` learns nothing about its model list.
 */
export function checkScope(principal: KeyPrincipal, request: ScopeRequest): void {
  const { scopes } = principal;
  const who = principal.kind === 'loopback' ? 'A key-less loopback call' : principal.keyId === null ? 'This key' : `API key ${principal.keyId}`;
  if (!scopeAllows(scopes.endpoints, request.endpoint)) {
    throw new FlambeauError('forbidden', `${who} may not call the ${request.endpoint} endpoint (allowed: ${describe(scopes.endpoints)}).`, {
      details: { denied: 'endpoint', endpoint: request.endpoint, allowed: [...scopes.endpoints] },
    });
  }
  if (request.model != null && !scopeAllows(scopes.models, request.model)) {
    throw new FlambeauError('forbidden', `${who} may not use the model \`${request.model}\` (allowed: ${describe(scopes.models)}).`, {
      param: 'model',
      details: { denied: 'model', model: request.model, allowed: [...scopes.models] },
    });
  }
  const collections = (request.collections ?? []).filter((c) => !scopeAllows(scopes.collections, c));
  if (collections.length > 0) {
    throw new FlambeauError(
      'forbidden',
      `${who} may not read the collection${collections.length > 1 ? 's' : ''} ${collections.map((c) => `\`${c}\``).join(', ')} (allowed: ${describe(scopes.collections)}).`,
      {
        details: { denied: 'collections', collections, allowed: [...scopes.collections] },
      },
    );
  }
}

function describe(list: readonly string[]): string {
  return list.length === 0 ? 'none' : list.join(', ');
}
