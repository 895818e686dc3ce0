import type { ServerResponse } from 'node:http';
import type { CatalogEntry, ModelCatalog } from '../../models/model-catalog.js';
import type { RequestContext } from './request-context.js';
import { allowsModel, checkScope } from '../../auth/scope.js';
import { sendJson } from './send.js';

function modelObject(entry: CatalogEntry, created: number): Record<string, unknown> {
  const status = entry.status();
  return {
    id: entry.name,
    object: 'model',
    created,
    owned_by: entry.provider.id,
    flambeau: {
      provider: entry.provider.id,
      provider_type: entry.provider.type,
      upstream_model: entry.chat.model,
      locality: entry.locality,
      embeddings: entry.embedding !== undefined,
      ...(status.loaded === undefined ? {} : { loaded: status.loaded }),
      ...(status.threads === undefined ? {} : { threads: status.threads }),
    },
  };
}

/** `auto` and exposed route names: models a client may send that the router resolves. */
function routeObject(name: string, created: number): Record<string, unknown> {
  return { id: name, object: 'model', created, owned_by: 'flambeau', flambeau: { routed: true } };
}

/** Lists the models the caller's key may use (a scoped key sees only its own). */
export function handleListModels(res: ServerResponse, ctx: RequestContext, catalog: ModelCatalog, virtualModels: readonly string[], startedAt: number): void {
  const created = Math.floor(startedAt / 1000);
  const visible = (name: string) => ctx.principal === null || allowsModel(ctx.principal, name);
  const data = [
    ...catalog.list().filter((e) => visible(e.name)).map((e) => modelObject(e, created)),
    ...virtualModels.filter(visible).map((name) => routeObject(name, created)),
  ];
  sendJson(res, 200, { object: 'list', data }, { 'x-request-id': ctx.id });
}

export function handleGetModel(res: ServerResponse, ctx: RequestContext, catalog: ModelCatalog, virtualModels: readonly string[], name: string, startedAt: number): void {
  if (ctx.principal !== null) checkScope(ctx.principal, { endpoint: 'models', model: name });
  const created = Math.floor(startedAt / 1000);
  sendJson(res, 200, virtualModels.includes(name) ? routeObject(name, created) : modelObject(catalog.get(name), created), { 'x-request-id': ctx.id });
}
