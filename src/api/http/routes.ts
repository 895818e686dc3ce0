import { sendAnthropicError } from '../anthropic/anthropic-error.js';
import { handleCountTokens, handleMessages } from '../anthropic/messages-route.js';
import * as admin from './admin-routes.js';
import type { AdminCall, AdminHandler } from './admin-routes.js';
import * as dashboard from './dashboard-admin-routes.js';
import { listEvalRuns, showEvalRun, storeEvalRun } from './eval-admin-routes.js';
import { handleChatCompletions } from './chat-completions-route.js';
import { handleEmbeddings } from './embeddings-route.js';
import { handleInjectionScan } from './injection-scan-route.js';
import { handleKnowledgeSearch } from './knowledge-search-route.js';
import { handleGetModel, handleListModels } from './models-route.js';
import { handlePrivacyScan } from './privacy-scan-route.js';
import { handleRouteExplain } from './route-explain-route.js';
import { handleDeleteResponse, handleGetResponse, handleListInputItems, handleResponses } from '../responses/responses-route.js';
import type { Route, RouteCall } from './route-call.js';
import { handleOllamaChat, handleOllamaGenerate } from '../ollama/ollama-chat-route.js';
import { handleOllamaEmbed, handleOllamaEmbeddings } from '../ollama/ollama-embed-route.js';
import { refuseModelManagement, sendOllamaError } from '../ollama/ollama-errors.js';
import { handleOllamaPs, handleOllamaShow, handleOllamaTags, handleOllamaVersion } from '../ollama/ollama-models-route.js';

export type { AppDeps, Route, RouteCall } from './route-call.js';

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
    handle: handleChatCompletions,
  },
  { method: 'POST', path: '/v1/messages', access: 'chat', logged: true, handle: handleMessages, sendError: sendAnthropicError },
  { method: 'POST', path: '/v1/messages/count_tokens', access: 'chat', handle: handleCountTokens, sendError: sendAnthropicError },
  {
    method: 'POST',
    path: '/v1/responses',
    access: 'chat',
    logged: true,
    handle: handleResponses,
  },
  { method: 'GET', path: '/v1/responses/:id', access: 'chat', handle: handleGetResponse },
  { method: 'DELETE', path: '/v1/responses/:id', access: 'chat', handle: handleDeleteResponse },
  { method: 'GET', path: '/v1/responses/:id/input_items', access: 'chat', handle: handleListInputItems },
  {
    method: 'POST',
    path: '/v1/embeddings',
    access: 'embeddings',
    logged: true,
    handle: handleEmbeddings,
  },
  {
    method: 'POST',
    path: '/v1/route/explain',
    access: 'chat',
    handle: handleRouteExplain,
  },
  {
    method: 'POST',
    path: '/v1/knowledge/search',
    access: 'knowledge',
    handle: handleKnowledgeSearch,
  },
  {
    method: 'POST',
    path: '/v1/privacy/scan',
    access: 'privacy',
    handle: handlePrivacyScan,
  },
  {
    method: 'POST',
    path: '/v1/injection/scan',
    access: 'injection',
    handle: handleInjectionScan,
  },
  { method: 'GET', path: '/v1/models', access: 'models', handle: handleListModels },
  { method: 'GET', path: '/v1/models/:model', access: 'models', handle: handleGetModel },
  // The Ollama API (api/ollama/): its errors are `{"error": "..."}`.
  { method: 'GET', path: '/api/version', access: 'models', handle: handleOllamaVersion, sendError: sendOllamaError },
  { method: 'GET', path: '/api/tags', access: 'models', handle: handleOllamaTags, sendError: sendOllamaError },
  { method: 'GET', path: '/api/ps', access: 'models', handle: handleOllamaPs, sendError: sendOllamaError },
  { method: 'POST', path: '/api/show', access: 'models', handle: handleOllamaShow, sendError: sendOllamaError },
  { method: 'POST', path: '/api/chat', access: 'chat', logged: true, handle: handleOllamaChat, sendError: sendOllamaError },
  { method: 'POST', path: '/api/generate', access: 'chat', logged: true, handle: handleOllamaGenerate, sendError: sendOllamaError },
  { method: 'POST', path: '/api/embed', access: 'embeddings', logged: true, handle: handleOllamaEmbed, sendError: sendOllamaError },
  { method: 'POST', path: '/api/embeddings', access: 'embeddings', logged: true, handle: handleOllamaEmbeddings, sendError: sendOllamaError },
  { method: 'POST', path: '/api/pull', access: 'models', handle: refuseModelManagement, sendError: sendOllamaError },
  { method: 'POST', path: '/api/push', access: 'models', handle: refuseModelManagement, sendError: sendOllamaError },
  { method: 'POST', path: '/api/create', access: 'models', handle: refuseModelManagement, sendError: sendOllamaError },
  { method: 'POST', path: '/api/copy', access: 'models', handle: refuseModelManagement, sendError: sendOllamaError },
  { method: 'DELETE', path: '/api/delete', access: 'models', handle: refuseModelManagement, sendError: sendOllamaError },
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
  { method: 'GET', path: '/admin/evals', access: 'admin', handle: adminOnly(listEvalRuns) },
  { method: 'POST', path: '/admin/evals', access: 'admin', handle: adminOnly(storeEvalRun) },
  { method: 'GET', path: '/admin/evals/:id', access: 'admin', handle: adminOnly(showEvalRun) },
  // The dashboard's reads (/ui calls them through /ui/api/ with the signed-in key).
  { method: 'GET', path: '/admin/dashboard/overview', access: 'admin', handle: adminOnly(dashboard.dashboardOverview) },
  { method: 'GET', path: '/admin/dashboard/privacy', access: 'admin', handle: adminOnly(dashboard.dashboardPrivacy) },
  { method: 'GET', path: '/admin/dashboard/routing', access: 'admin', handle: adminOnly(dashboard.dashboardRouting) },
  { method: 'GET', path: '/admin/dashboard/keys', access: 'admin', handle: adminOnly(dashboard.dashboardKeys) },
  { method: 'GET', path: '/admin/dashboard/shadow', access: 'admin', handle: adminOnly(dashboard.shadowReportRoute) },
  { method: 'GET', path: '/admin/model-versions', access: 'admin', handle: adminOnly(dashboard.listModelVersions) },
  { method: 'POST', path: '/admin/model-versions/:name/promote', access: 'admin', handle: adminOnly(dashboard.promoteModelVersion) },
  { method: 'POST', path: '/admin/model-versions/:name/canary', access: 'admin', handle: adminOnly(dashboard.canaryModelVersion) },
  { method: 'POST', path: '/admin/model-versions/:name/rollback', access: 'admin', handle: adminOnly(dashboard.rollbackModelVersion) },
  { method: 'GET', path: '/admin/knowledge/collections', access: 'admin', handle: adminOnly(dashboard.listCollections) },
  { method: 'GET', path: '/admin/audit/records', access: 'admin', handle: adminOnly(dashboard.auditRecords) },
];
