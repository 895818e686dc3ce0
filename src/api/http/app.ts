import type { IncomingMessage, ServerResponse } from 'node:http';
import { asFlambeauError, FlambeauError } from '../../errors/index.js';
import type { Logger } from '../../log/logger.js';
import type { ModelCatalog } from '../../models/model-catalog.js';
import type { PrivacyGuard } from '../../privacy/index.js';
import type { RequestLog } from '../../usage/request-log.js';
import { handleChatCompletions } from './chat-completions-route.js';
import { handleEmbeddings } from './embeddings-route.js';
import { handleGetModel, handleListModels } from './models-route.js';
import { handlePrivacyScan } from './privacy-scan-route.js';
import { handleRouteExplain } from './route-explain-route.js';
import type { Router } from '../../router/router.js';
import { newContext, targetHeaders, type RequestContext } from './request-context.js';
import { sendError, sendJson } from './send.js';

export interface AppDeps {
  catalog: ModelCatalog;
  privacy: PrivacyGuard;
  router: Router;
  requestLog: RequestLog;
  authenticate: (req: IncomingMessage) => void;
  bodyLimitBytes: number;
  /** False while starting or draining: /readyz answers 503. */
  isReady: () => boolean;
  logger: Logger;
  startedAt: number;
}

type Handler = (req: IncomingMessage, res: ServerResponse, ctx: RequestContext) => Promise<void> | void;

/** The gateway's HTTP surface on plain node:http (no framework on the hot path). */
export function createRequestHandler(deps: AppDeps): (req: IncomingMessage, res: ServerResponse) => void {
  const routes = new Map<string, Map<string, { handler: Handler; logged: boolean }>>([
    ['/v1/chat/completions', new Map([['POST', { handler: (req, res, ctx) => handleChatCompletions(req, res, ctx, deps), logged: true }]])],
    ['/v1/embeddings', new Map([['POST', { handler: (req, res, ctx) => handleEmbeddings(req, res, ctx, deps), logged: true }]])],
    ['/v1/route/explain', new Map([['POST', { handler: (req, res, ctx) => handleRouteExplain(req, res, ctx, deps), logged: false }]])],
    ['/v1/privacy/scan', new Map([['POST', { handler: (req, res, ctx) => handlePrivacyScan(req, res, ctx, deps), logged: false }]])],
    ['/v1/models', new Map([['GET', { handler: (_req, res, ctx) => handleListModels(res, ctx, deps.catalog, deps.router.virtualModels, deps.startedAt), logged: false }]])],
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
    if (!path.startsWith('/v1/') && path !== '/v1') {
      throw new FlambeauError('not_found', `No route for ${req.method ?? 'GET'} ${path}.`);
    }
    deps.authenticate(req);
    const methods = routes.get(path);
    let route = methods?.get(req.method ?? 'GET');
    if (route === undefined && path.startsWith('/v1/models/') && req.method === 'GET') {
      const name = decodeURIComponent(path.slice('/v1/models/'.length));
      route = { handler: (_req, r, c) => handleGetModel(r, c, deps.catalog, deps.router.virtualModels, name, deps.startedAt), logged: false };
    }
    if (route === undefined) {
      if (methods !== undefined) {
        res.setHeader('allow', [...methods.keys()].join(', '));
        throw new FlambeauError('method_not_allowed', `${req.method ?? 'GET'} is not allowed on ${path}; use ${[...methods.keys()].join(' or ')}.`);
      }
      throw new FlambeauError('not_found', `No route for ${req.method ?? 'GET'} ${path}.`);
    }
    if (route.logged) res.once('close', () => logRequest(ctx, res));
    await route.handler(req, res, ctx);
  }

  function logRequest(ctx: RequestContext, res: ServerResponse): void {
    if (ctx.status === 0) ctx.status = res.headersSent ? res.statusCode : 499;
    if (!res.writableFinished && ctx.errorCode === null) ctx.errorCode = 'client_closed';
    try {
      deps.requestLog.append({
        id: ctx.id,
        startedAt: ctx.startedAt,
        endpoint: ctx.endpoint,
        model: ctx.model,
        provider: ctx.target?.provider ?? null,
        upstreamModel: ctx.target?.model ?? null,
        locality: ctx.target?.locality ?? null,
        status: ctx.status,
        errorCode: ctx.errorCode,
        inputTokens: ctx.usage?.inputTokens ?? null,
        outputTokens: ctx.usage?.outputTokens ?? null,
        tokensEstimated: ctx.usage?.estimated ?? false,
        latencyMs: performance.now() - ctx.t0,
        ttftMs: ctx.ttftMs,
        streamed: ctx.streamed,
        privacyAction: ctx.privacyAction,
        privacyFindings: ctx.privacyFindings,
      });
    } catch (error) {
      deps.logger.error('request log write failed', { requestId: ctx.id, error: describe(error) });
    }
  }
}

function describe(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}
