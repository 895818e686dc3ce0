import type { IncomingMessage, ServerResponse } from 'node:http';
import { asFlambeauError, FlambeauError } from '../../errors/index.js';
import {
  authenticate,
  beginTrace,
  isLoopbackAddress,
  matchRequest,
  openRequest,
  responseHeaders,
  scrapeMetrics,
  settleClosed,
  type GatewayRequest,
} from '../../gateway/index.js';
import type { Logger } from '../../log/logger.js';
import { handleUi, type UiDeps } from '../ui/ui-routes.js';
import { authenticateAdmin } from './admin-routes.js';
import { keylessFor } from './keyless-access.js';
import { decodePathSegment } from './path-segment.js';
import { requestIdFor } from './request-id.js';
import { ROUTES, type AppDeps, type Route } from './routes.js';
import { sendError, sendJson } from './send.js';

export type { AppDeps } from './routes.js';

interface Match {
  /** The route for this method, if any. */
  route: Route | undefined;
  /** The methods the path allows (empty: no route has this path). */
  allowed: string[];
  /** The matched pattern with `{name}` for each parameter: what is recorded instead of the raw path. */
  label: string;
  params: string[];
}

const TABLE = ROUTES.map((route) => ({ route, segments: route.path.split('/') }));
// Paths without a parameter are found in one lookup: the hot path (chat, embeddings) never scans.
const STATIC = new Map<string, { allowed: string[]; byMethod: Map<string, Route> }>();
for (const { route, segments } of TABLE) {
  if (segments.some((s) => s.startsWith(':'))) continue;
  const entry = STATIC.get(route.path) ?? { allowed: [], byMethod: new Map<string, Route>() };
  entry.allowed.push(route.method);
  entry.byMethod.set(route.method, route);
  STATIC.set(route.path, entry);
}

/** Matches a path against the one route table (segment by segment; `:name` takes one non-empty segment). */
function match(method: string, path: string): Match | null {
  const fixed = STATIC.get(path);
  if (fixed !== undefined) return { route: fixed.byMethod.get(method), allowed: fixed.allowed, label: path, params: [] };
  const parts = path.split('/');
  let found: Match | null = null;
  for (const { route, segments } of TABLE) {
    if (segments.length !== parts.length) continue;
    const params: string[] = [];
    let ok = true;
    for (let i = 0; i < segments.length && ok; i++) {
      const segment = segments[i] as string;
      const part = parts[i] as string;
      if (segment.startsWith(':')) {
        ok = part !== '';
        params.push(part);
      } else ok = segment === part;
    }
    if (!ok) continue;
    found ??= { route: undefined, allowed: [], label: segments.map((s) => (s.startsWith(':') ? `{${s.slice(1)}}` : s)).join('/'), params };
    found.allowed.push(route.method);
    if (route.method === method) found.route = route;
  }
  return found;
}

/** The gateway's HTTP surface on plain node:http (no framework on the hot path). */
export function createRequestHandler(deps: AppDeps & { logger: Logger; ui?: UiDeps | null }): (req: IncomingMessage, res: ServerResponse) => void {
  const handler = (req: IncomingMessage, res: ServerResponse): void => {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const path = q === -1 ? url : url.slice(0, q);
    const request = openRequest(requestIdFor(req), path);
    // The matched route, once known: its protocol decides the shape of an error.
    let matched: Route | undefined;
    void dispatch(req, res, request, path, q === -1 ? '' : url.slice(q + 1), (route) => (matched = route)).catch((thrown) => {
      const error = asFlambeauError(thrown);
      request.outcome.status = error.status;
      request.outcome.errorCode = error.code;
      if (error.code === 'internal') deps.logger.error('request failed', { requestId: request.outcome.requestId, path, error: describe(thrown) });
      if (error.code !== 'client_closed') {
        for (const [name, value] of Object.entries(responseHeaders(request))) res.setHeader(name, value);
        if (matched?.sendError !== undefined) matched.sendError(res, error);
        else sendError(res, error);
      }
    });
  };
  return handler;

  async function dispatch(
    req: IncomingMessage,
    res: ServerResponse,
    request: GatewayRequest,
    path: string,
    query: string,
    onMatch: (route: Route) => void,
  ): Promise<void> {
    const method = req.method ?? 'GET';
    if (path === '/healthz') {
      sendJson(res, 200, { status: 'ok' });
      return;
    }
    if (path === '/readyz') {
      const { loading, failed } = deps.modelsNotReady?.() ?? { loading: [], failed: [] };
      const ready = deps.isReady() && loading.length === 0 && failed.length === 0;
      sendJson(res, ready ? 200 : 503, {
        status: ready ? 'ready' : 'not_ready',
        models: deps.gateway.catalog.list().length,
        ...(loading.length > 0 ? { loading } : {}),
        ...(failed.length > 0 ? { failed } : {}),
      });
      return;
    }
    if (path === '/metrics') {
      if (method !== 'GET') {
        res.setHeader('allow', 'GET');
        throw new FlambeauError('method_not_allowed', `${method} is not allowed on /metrics; use GET.`);
      }
      const credential = credentialOf(req);
      const open = credential === undefined && deps.metricsPublicOnLoopback && isLoopbackAddress(req.socket.remoteAddress);
      const { contentType, body } = await scrapeMetrics(credential, open, deps.gateway);
      res.writeHead(200, { 'content-type': contentType, 'cache-control': 'no-store', 'x-request-id': request.outcome.requestId });
      res.end(body);
      return;
    }
    if (path === '/ui' || path.startsWith('/ui/')) {
      // The dashboard (api/ui/): its /ui/api/ calls come back through this handler with the session's key.
      if (deps.ui == null) throw new FlambeauError('not_found', `No route for ${method} ${path} (the dashboard is off: ui.enabled).`);
      await handleUi(req, res, path, query, deps, deps.ui, handler);
      return;
    }
    if (path === '/admin' || path.startsWith('/admin/')) {
      // The master key first, whatever the path: another key learns nothing of the admin routes.
      request.outcome.principal = await authenticateAdmin(req.headers.authorization, deps.admin);
      const parsed = new URL(req.url ?? '/', 'http://admin.invalid');
      const adminPath = parsed.pathname.replace(/\/+$/, '');
      // Only admin routes: `new URL` resolves `..` and `%2e%2e`, and `/admin/../v1/chat/completions`
      // must not reach a chat route past its scope check, trace and settlement.
      const found = adminPath === '/admin' || adminPath.startsWith('/admin/') ? match(method, adminPath) : null;
      if (found?.route !== undefined && found.route.access !== 'admin') throw new FlambeauError('not_found', `No admin route for ${method} ${adminPath}.`);
      if (found?.route === undefined) refuse(res, method, adminPath, found, 'No admin route');
      await found.route.handle({ req, res, request, params: found.params.map((p) => decodePathSegment(p, 'path')), query: parsed.searchParams, deps });
      return;
    }
    const found = match(method, path);
    // Outside the table and /v1/ (the Ollama API lives under /api/), an unknown path is a plain 404.
    if (found === null && !path.startsWith('/v1/')) throw new FlambeauError('not_found', `No route for ${method} ${path}.`);
    if (found !== null) matchRequest(request, { label: found.label, logged: found.route?.logged === true });
    beginTrace(request, method, found?.label ?? 'other', req.headers.traceparent, deps.gateway);
    if (found?.route !== undefined) onMatch(found.route);
    // Every call of an inference API is accounted for (usage, audit, request log), refused ones included.
    res.once('close', () => {
      settleClosed(request, { status: res.headersSent ? res.statusCode : 499, finished: res.writableFinished }, deps.gateway).catch((error: unknown) =>
        deps.logger.error('usage and audit write failed', { requestId: request.outcome.requestId, error: describe(error) }),
      );
    });
    const route = found?.route;
    const credential = credentialOf(req);
    await authenticate(
      request,
      credential,
      route === undefined || route.access === 'admin' ? null : route.access,
      deps.gateway,
      credential === undefined ? keylessFor(req.socket.remoteAddress, route, deps.keylessLoopback) : null,
    );
    if (route === undefined) refuse(res, method, path, found, 'No route');
    // Path parameters are decoded after authentication: a caller without a key learns nothing, not even 400.
    await route.handle({
      req,
      res,
      request,
      params: (found as Match).params.map((p, i) => decodePathSegment(p, paramName(route.path, i))),
      query: new URLSearchParams(query),
      deps,
    });
  }
}

/** How an error names the i-th parameter of a route path: `:model` is the model name, `:id` the id. */
function paramName(path: string, i: number): string {
  const name =
    path
      .split('/')
      .filter((s) => s.startsWith(':'))
      [i]?.slice(1) ?? 'path';
  return name === 'model' ? 'model name' : name;
}

/**
 * The key a client sends: `Authorization: Bearer …` (OpenAI, Ollama clients), else `x-api-key`
 * (Anthropic's SDK and the tools built on it), read as a bearer token.
 */
function credentialOf(req: IncomingMessage): string | undefined {
  const authorization = req.headers.authorization;
  if (authorization !== undefined) return authorization;
  const apiKey = req.headers['x-api-key'];
  return typeof apiKey === 'string' && apiKey !== '' ? `Bearer ${apiKey}` : undefined;
}

/** 405 with `allow` when the path exists for other methods, else 404. */
function refuse(res: ServerResponse, method: string, path: string, found: Match | null, what: string): never {
  if (found !== null && found.allowed.length > 0) {
    const allowed = found.allowed.join(', ');
    res.setHeader('allow', allowed);
    throw new FlambeauError('method_not_allowed', `${method} is not allowed on ${path}; use ${found.allowed.join(' or ')}.`);
  }
  throw new FlambeauError('not_found', `${what} for ${method} ${path}.`);
}

function describe(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}
