import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Endpoint } from '../../auth/principal.js';
import { asFlambeauError, FlambeauError } from '../../errors/index.js';
import type { Logger } from '../../log/logger.js';
import type { ModelCatalog } from '../../models/model-catalog.js';
import type { PrivacyGuard } from '../../privacy/index.js';
import type { Router } from '../../router/router.js';
import type { RequestLog } from '../../usage/request-log.js';
import { handleAdmin, type AdminDeps } from './admin-routes.js';
import { handleChatCompletions } from './chat-completions-route.js';
import { handleEmbeddings } from './embeddings-route.js';
import { handleGetModel, handleListModels } from './models-route.js';
import { handleKnowledgeSearch } from './knowledge-search-route.js';
import { handleInjectionScan } from './injection-scan-route.js';
import type { InjectionScanner } from '../../injection/index.js';
import type { Knowledge } from '../../knowledge/index.js';
import { handlePrivacyScan } from './privacy-scan-route.js';
import { authenticateRequest, recordRequest, type AccountingDeps } from './request-accounting.js';
import { newContext, targetHeaders, type RequestContext } from './request-context.js';
import { handleRouteExplain } from './route-explain-route.js';
import { decodePathSegment } from './path-segment.js';
import { sendError, sendJson } from './send.js';

export interface AppDeps extends AccountingDeps {
  catalog: ModelCatalog;
  privacy: PrivacyGuard;
  injection: InjectionScanner;
  router: Router;
  requestLog: RequestLog;
  admin: AdminDeps;
  bodyLimitBytes: number;
  /** Output tokens assumed for a budget hold when neither request nor model sets max_tokens. */
  defaultMaxOutputTokens: number;
  knowledge: Knowledge;
  knowledgeContextTokens: number;
  /** False while starting or draining: /readyz answers 503. */
  isReady: () => boolean;
  logger: Logger;
  startedAt: number;
}

type Handler = (req: IncomingMessage, res: ServerResponse, ctx: RequestContext) => Promise<void> | void;
interface Route { handler: Handler; endpoint: Endpoint; logged: boolean }

/** The gateway's HTTP surface on plain node:http (no framework on the hot path). */
export function createRequestHandler(deps: AppDeps): (req: IncomingMessage, res: ServerResponse) => void {
  const routes = new Map<string, Map<string, Route>>([
    ['/v1/chat/completions', new Map([['POST', { handler: (req, res, ctx) => handleChatCompletions(req, res, ctx, deps), endpoint: 'chat', logged: true }]])],
    ['/v1/embeddings', new Map([['POST', { handler: (req, res, ctx) => handleEmbeddings(req, res, ctx, deps), endpoint: 'embeddings', logged: true }]])],
    ['/v1/route/explain', new Map([['POST', { handler: (req, res, ctx) => handleRouteExplain(req, res, ctx, deps), endpoint: 'chat', logged: false }]])],
    ['/v1/knowledge/search', new Map([['POST', { handler: (req, res, ctx) => handleKnowledgeSearch(req, res, ctx, deps), endpoint: 'knowledge', logged: false }]])],
    ['/v1/privacy/scan', new Map([['POST', { handler: (req, res, ctx) => handlePrivacyScan(req, res, ctx, deps), endpoint: 'privacy', logged: false }]])],
    ['/v1/injection/scan', new Map([['POST', { handler: (req, res, ctx) => handleInjectionScan(req, res, ctx, deps), endpoint: 'injection', logged: false }]])],
    ['/v1/models', new Map([['GET', { handler: (_req, res, ctx) => handleListModels(res, ctx, deps.catalog, deps.router.virtualModels, deps.startedAt), endpoint: 'models', logged: false }]])],
  ]);

  return (req, res) => {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const path = q === -1 ? url : url.slice(0, q);
    const ctx = newContext(req, path);
    void dispatch(req, res, ctx, path).catch((thrown) => {
      const error = asFlambeauError(thrown);
      ctx.status = error.status;
      ctx.errorCode = error.code;
      if (error.code === 'internal') deps.logger.error('request failed', { requestId: ctx.id, path, error: describe(thrown) });
      if (error.code !== 'client_closed') {
        res.setHeader('x-request-id', ctx.id);
        for (const [name, value] of Object.entries(targetHeaders(ctx))) res.setHeader(name, value);
        sendError(res, error);
      }
    });
  };

  async function dispatch(req: IncomingMessage, res: ServerResponse, ctx: RequestContext, path: string): Promise<void> {
    if (path === '/healthz') {
      sendJson(res, 200, { status: 'ok' });
      return;
    }
    if (path === '/readyz') {
      const ready = deps.isReady();
      sendJson(res, ready ? 200 : 503, { status: ready ? 'ready' : 'not_ready', models: deps.catalog.list().length });
      return;
    }
    if (path === '/admin' || path.startsWith('/admin/')) {
      await handleAdmin(req, res, ctx, deps.admin);
      return;
    }
    if (!path.startsWith('/v1/')) throw new FlambeauError('not_found', `No route for ${req.method ?? 'GET'} ${path}.`);
    const methods = routes.get(path);
    ctx.endpointKnown = methods !== undefined;
    let route = methods?.get(req.method ?? 'GET');
    if (route === undefined && path.startsWith('/v1/models/') && req.method === 'GET') {
      // Decoded in the handler, after authentication: a caller without a key learns nothing, not even 400.
      const name = path.slice('/v1/models/'.length);
      route = { handler: (_req, r, c) => handleGetModel(r, c, deps.catalog, deps.router.virtualModels, decodePathSegment(name, 'model name'), deps.startedAt), endpoint: 'models', logged: false };
      // The name is the client's: recorded as the route, not raw.
      ctx.endpoint = '/v1/models/{model}';
      ctx.endpointKnown = true;
    }
    // Every /v1 call is accounted for (usage, audit, request log), refused ones included.
    ctx.logged = route?.logged === true;
    res.once('close', () => finish(ctx, res));
    authenticateRequest(req, ctx, deps, route?.endpoint ?? null);
    if (route === undefined) {
      if (methods !== undefined) {
        res.setHeader('allow', [...methods.keys()].join(', '));
        throw new FlambeauError('method_not_allowed', `${req.method ?? 'GET'} is not allowed on ${path}; use ${[...methods.keys()].join(' or ')}.`);
      }
      throw new FlambeauError('not_found', `No route for ${req.method ?? 'GET'} ${path}.`);
    }
    await route.handler(req, res, ctx);
  }

  function finish(ctx: RequestContext, res: ServerResponse): void {
    if (ctx.status === 0) ctx.status = res.headersSent ? res.statusCode : 499;
    if (!res.writableFinished && ctx.errorCode === null) ctx.errorCode = 'client_closed';
    try {
      recordRequest(ctx, deps);
    } catch (error) {
      deps.logger.error('usage and audit write failed', { requestId: ctx.id, error: describe(error) });
    }
  }
}

function describe(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}
