import { allowsModel } from '../auth/scope.js';
import type { CatalogEntry } from '../models/model-catalog.js';
import type { Locality } from '../providers/spec.js';
import type { GatewayDeps } from './gateway-deps.js';
import type { GatewayRequest } from './request.js';
import { scope } from './stages/scope.js';

/** A model a client may name: a catalog entry, or a route (`auto`, exposed routes) the router resolves. */
export type ModelView =
  | {
      kind: 'model';
      name: string;
      provider: string;
      providerType: string;
      upstreamModel: string;
      locality: Locality;
      embeddings: boolean;
      loaded?: boolean;
      threads?: number;
    }
  | { kind: 'route'; name: string };

/** The models the caller's key may use (a scoped key sees only its own). */
export function listModels(request: GatewayRequest, deps: Pick<GatewayDeps, 'catalog' | 'router'>): ModelView[] {
  const { principal } = request.outcome;
  const visible = (name: string) => principal === null || allowsModel(principal, name);
  return [
    ...deps.catalog
      .list()
      .filter((e) => visible(e.name))
      .map(viewOf),
    ...deps.router.virtualModels.filter(visible).map((name): ModelView => ({ kind: 'route', name })),
  ];
}

/** One model by name: 403 outside the key's scope, 404 when nobody serves it. */
export function getModel(request: GatewayRequest, name: string, deps: Pick<GatewayDeps, 'catalog' | 'router'>): ModelView {
  scope(request, { endpoint: 'models', model: name });
  return deps.router.virtualModels.includes(name) ? { kind: 'route', name } : viewOf(deps.catalog.get(name));
}

function viewOf(entry: CatalogEntry): ModelView {
  const status = entry.status();
  return {
    kind: 'model',
    name: entry.name,
    provider: entry.provider.id,
    providerType: entry.provider.type,
    upstreamModel: entry.chat.model,
    locality: entry.locality,
    embeddings: entry.embedding !== undefined,
    ...(status.loaded === undefined ? {} : { loaded: status.loaded }),
    ...(status.threads === undefined ? {} : { threads: status.threads }),
  };
}
