import { getModel, listModels, type ModelView } from '../../gateway/index.js';
import { sendJson } from './send.js';
import type { RouteCall } from './route-call.js';

/** A model object on the wire; `auto` and exposed route names are models the router resolves. */
function modelObject(view: ModelView, created: number): Record<string, unknown> {
  if (view.kind === 'route') return { id: view.name, object: 'model', created, owned_by: 'flambeau', flambeau: { routed: true } };
  return {
    id: view.name,
    object: 'model',
    created,
    owned_by: view.provider,
    flambeau: {
      provider: view.provider,
      provider_type: view.providerType,
      upstream_model: view.upstreamModel,
      locality: view.locality,
      embeddings: view.embeddings,
      ...(view.loaded === undefined ? {} : { loaded: view.loaded }),
      ...(view.threads === undefined ? {} : { threads: view.threads }),
    },
  };
}

/** GET /v1/models: the models the caller's key may use (a scoped key sees only its own). */
export function handleListModels(call: RouteCall): void {
  const { res, request } = call;
  const deps = call.deps.gateway;
  const created = Math.floor(deps.startedAt / 1000);
  sendJson(
    res,
    200,
    { object: 'list', data: listModels(request, deps).map((view) => modelObject(view, created)) },
    { 'x-request-id': request.outcome.requestId },
  );
}

/** GET /v1/models/{model}. */
export function handleGetModel(call: RouteCall): void {
  const { res, request, params } = call;
  const deps = call.deps.gateway;
  const name = params[0] as string;
  sendJson(res, 200, modelObject(getModel(request, name, deps), Math.floor(deps.startedAt / 1000)), { 'x-request-id': request.outcome.requestId });
}
