import type { ServerResponse } from 'node:http';
import type { CatalogEntry, ModelCatalog } from '../../models/model-catalog.js';
import type { RequestContext } from './request-context.js';
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
    },
  };
}

export function handleListModels(res: ServerResponse, ctx: RequestContext, catalog: ModelCatalog, startedAt: number): void {
  const created = Math.floor(startedAt / 1000);
  sendJson(res, 200, { object: 'list', data: catalog.list().map((e) => modelObject(e, created)) }, { 'x-request-id': ctx.id });
}

export function handleGetModel(res: ServerResponse, ctx: RequestContext, catalog: ModelCatalog, name: string, startedAt: number): void {
  sendJson(res, 200, modelObject(catalog.get(name), Math.floor(startedAt / 1000)), { 'x-request-id': ctx.id });
}
