import { scopeAllows } from '../auth/scope.js';
import type { SearchFilters, SearchHit, SearchMode, SearchDegradation } from '../knowledge/index.js';
import type { GatewayDeps } from './gateway-deps.js';
import type { GatewayRequest } from './request.js';
import { scope } from './stages/scope.js';

export interface KnowledgeSearchCall {
  request: GatewayRequest;
  query: string;
  /** Null: every collection the key may read. */
  collections: readonly string[] | null;
  filters: Omit<SearchFilters, 'collections'>;
  k?: number;
  mode?: SearchMode;
  signal: AbortSignal;
}

/**
 * Hybrid search over the collections the key may read (collection scopes apply); `degraded` is
 * set when the embedding model failed and BM25 answered alone.
 */
export async function searchKnowledge(
  call: KnowledgeSearchCall,
  deps: Pick<GatewayDeps, 'knowledge'>,
): Promise<{ hits: SearchHit[]; collections: string[]; degraded: SearchDegradation | null }> {
  const { principal } = call.request.outcome;
  let collections: string[];
  if (call.collections === null) {
    collections = deps.knowledge.collectionNames().filter((name) => principal === null || scopeAllows(principal.scopes.collections, name));
  } else {
    collections = [...new Set(call.collections)];
    scope(call.request, { endpoint: 'knowledge', collections });
    deps.knowledge.requireCollections(collections);
  }
  const { hits, degraded } = await deps.knowledge.search(
    call.query,
    { ...call.filters, collections },
    {
      signal: call.signal,
      ...(call.k === undefined ? {} : { k: call.k }),
      ...(call.mode === undefined ? {} : { mode: call.mode }),
    },
  );
  return { hits, collections, degraded };
}
