import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Endpoint, GatewayDeps, GatewayRequest } from '../../gateway/index.js';
import * as admin from './admin-routes.js';
import type { AdminCall, AdminDeps, AdminHandler } from './admin-routes.js';
import { handleChatCompletions } from './chat-completions-route.js';
import { handleEmbeddings } from './embeddings-route.js';
import { handleInjectionScan } from './injection-scan-route.js';
import { handleKnowledgeSearch } from './knowledge-search-route.js';
import { handleGetModel, handleListModels } from './models-route.js';
import { handlePrivacyScan } from './privacy-scan-route.js';
import { handleRouteExplain } from './route-explain-route.js';

export interface AppDeps {
  gateway: GatewayDeps;
  admin: AdminDeps;
  bodyLimitBytes: number;
  /** False while starting or draining: /readyz answers 503. */
  isReady: () => boolean;
}

/** One matched call: the request in flight and the route's path parameters (still percent-encoded). */
export interface RouteCall {
  req: IncomingMessage;
  res: ServerResponse;
  request: GatewayRequest;
  params: string[];
  query: URLSearchParams;
  deps: AppDeps;
}

export interface Route {
  method: 'GET' | 'POST' | 'DELETE';
  /** Segments; `:name` matches one non-empty segment, percent-decoded after authentication. */
  path: string;
  /**
   * `admin`: the master key only, nothing recorded but the admin actions' own audit events. An
   * endpoint: any key whose scope allows it; the call is recorded (usage, audit), refused or not.
   */
  access: Endpoint | 'admin';
  /** Kept in the request log as well (latency, time to first token). */
  logged?: boolean;
  handle(call: RouteCall): Promise<void> | void;
}

/** An admin handler takes its own call: the master principal (authenticated by app.ts), the decoded parameters. */
const adminOnly = (handler: AdminHandler) => (c: RouteCall) =>
  handler(c.req, c.res, {
    id: c.request.outcome.requestId,
    master: c.request.outcome.principal as AdminCall['master'],
    params: c.params,
    query: c.query,
    deps: c.deps.admin,
    now: (c.deps.admin.clock ?? Date.now)(),
  });

/**
 * Every HTTP route of the gateway, in one table. An inbound protocol is one folder (or file) in
 * api/ that translates its wire format onto the gateway's spine, plus one line here.
 */
export const ROUTES: readonly Route[] = [
  {
    method: 'POST',
    path: '/v1/chat/completions',
    access: 'chat',
    logged: true,
    handle: (c) => handleChatCompletions(c.req, c.res, c.request, c.deps.gateway, c.deps.bodyLimitBytes),
  },
  {
    method: 'POST',
    path: '/v1/embeddings',
    access: 'embeddings',
    logged: true,
    handle: (c) => handleEmbeddings(c.req, c.res, c.request, c.deps.gateway, c.deps.bodyLimitBytes),
  },
  {
    method: 'POST',
    path: '/v1/route/explain',
    access: 'chat',
    handle: (c) => handleRouteExplain(c.req, c.res, c.request, c.deps.gateway, c.deps.bodyLimitBytes),
  },
  {
    method: 'POST',
    path: '/v1/knowledge/search',
    access: 'knowledge',
    handle: (c) => handleKnowledgeSearch(c.req, c.res, c.request, c.deps.gateway, c.deps.bodyLimitBytes),
  },
  {
    method: 'POST',
    path: '/v1/privacy/scan',
    access: 'privacy',
    handle: (c) => handlePrivacyScan(c.req, c.res, c.request, c.deps.gateway, c.deps.bodyLimitBytes),
  },
  {
    method: 'POST',
    path: '/v1/injection/scan',
    access: 'injection',
    handle: (c) => handleInjectionScan(c.req, c.res, c.request, c.deps.gateway, c.deps.bodyLimitBytes),
  },
  { method: 'GET', path: '/v1/models', access: 'models', handle: (c) => handleListModels(c.res, c.request, c.deps.gateway) },
  { method: 'GET', path: '/v1/models/:model', access: 'models', handle: (c) => handleGetModel(c.res, c.request, c.deps.gateway, c.params[0] as string) },
  { method: 'GET', path: '/admin/keys', access: 'admin', handle: adminOnly(admin.listKeys) },
  { method: 'POST', path: '/admin/keys', access: 'admin', handle: adminOnly(admin.createKey) },
  { method: 'GET', path: '/admin/keys/:id', access: 'admin', handle: adminOnly(admin.showKey) },
  { method: 'DELETE', path: '/admin/keys/:id', access: 'admin', handle: adminOnly(admin.revokeKey) },
  { method: 'GET', path: '/admin/teams', access: 'admin', handle: adminOnly(admin.listTeams) },
  { method: 'POST', path: '/admin/teams', access: 'admin', handle: adminOnly(admin.saveTeam) },
  { method: 'GET', path: '/admin/teams/:id', access: 'admin', handle: adminOnly(admin.showTeam) },
  { method: 'GET', path: '/admin/usage', access: 'admin', handle: adminOnly(admin.showUsage) },
  { method: 'GET', path: '/admin/audit/verify', access: 'admin', handle: adminOnly(admin.verifyAudit) },
  { method: 'GET', path: '/admin/audit/export', access: 'admin', handle: adminOnly(admin.exportAudit) },
];
