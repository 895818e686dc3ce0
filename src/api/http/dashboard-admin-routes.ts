import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { actorOf } from '../../auth/principal.js';
import { FlambeauError } from '../../errors/index.js';
import type { DashboardWindow, OverviewFacts } from '../../usage/dashboard-queries.js';
import type { DashboardDeps, DashboardRoute } from './dashboard-deps.js';
import type { AdminCall } from './admin-routes.js';
import { keyJson, teamJson } from './admin-wire.js';
import { readJsonBody } from './read-json-body.js';
import { sendJson } from './send.js';
import { invalidRequestFrom } from './zod-issue.js';

const WINDOWS: Record<string, { ms: number; bucketMs: number }> = {
  '1h': { ms: 3_600_000, bucketMs: 60_000 },
  '24h': { ms: 86_400_000, bucketMs: 3_600_000 },
  '7d': { ms: 7 * 86_400_000, bucketMs: 6 * 3_600_000 },
  '30d': { ms: 30 * 86_400_000, bucketMs: 86_400_000 },
};

function dashboardOf(call: AdminCall): DashboardDeps {
  const deps = call.deps.dashboard;
  if (deps === undefined) throw new FlambeauError('not_found', 'The dashboard endpoints are not wired in this server.');
  return deps;
}

/** `?window=1h|24h|7d|30d` (default 24h), cut in buckets aligned on the bucket size. */
export function windowOf(query: URLSearchParams, now: number): DashboardWindow & { name: string } {
  const name = query.get('window') ?? '24h';
  const w = WINDOWS[name];
  if (w === undefined) throw new FlambeauError('invalid_request', `Invalid 'window': use ${Object.keys(WINDOWS).join(', ')}.`, { param: 'window' });
  const until = Math.floor(now / w.bucketMs) * w.bucketMs + w.bucketMs;
  return { name, since: until - w.ms, until, bucketMs: w.bucketMs };
}

function send(res: ServerResponse, call: AdminCall, body: unknown, status = 200): void {
  sendJson(res, status, body, { 'x-request-id': call.id, 'cache-control': 'no-store' });
}

/**
 * Cloud cost avoided by local answers: each route's local tokens priced at the first cloud target
 * of that route with a price (what it would have used). Answers without a route, or on a route
 * with no priced cloud target, avoided nothing that can be priced.
 */
export function costAvoided(
  facts: OverviewFacts,
  routes: readonly DashboardRoute[],
): { usd: number; byRoute: Array<{ route: string; model: string; usd: number }> } {
  const byRoute: Array<{ route: string; model: string; usd: number }> = [];
  for (const local of facts.localTokensByRoute) {
    const route = routes.find((r) => r.name === local.route);
    const cloud = route?.targets.find((t) => t.locality === 'cloud' && t.price !== null);
    if (route === undefined || cloud?.price == null) continue;
    const usd = (local.inputTokens * cloud.price.inputPerMTok + local.outputTokens * cloud.price.outputPerMTok) / 1_000_000;
    byRoute.push({ route: route.name, model: cloud.model, usd });
  }
  return { usd: byRoute.reduce((s, r) => s + r.usd, 0), byRoute };
}

/** The overview's JSON for a window; `keyId` narrows it to one key (a non-admin session's own usage). */
export async function overviewJson(deps: DashboardDeps, window: DashboardWindow & { name: string }): Promise<Record<string, unknown>> {
  const facts = await deps.queries.overview(window);
  const local = (facts.byLocality.device ?? 0) + (facts.byLocality.lan ?? 0);
  const served = Object.values(facts.byLocality).reduce((a, b) => a + b, 0);
  return {
    object: 'dashboard.overview',
    window: { name: window.name, since: window.since, until: window.until, bucket_ms: window.bucketMs },
    series: facts.series,
    totals: facts.totals,
    by_locality: facts.byLocality,
    local_share: served === 0 ? null : local / served,
    cost_avoided: costAvoided(facts, deps.routes()),
    latency_ms: facts.latencyMs,
    ttft_ms: facts.ttftMs,
    errors_by_code: facts.errorsByCode,
  };
}

export async function dashboardOverview(_req: IncomingMessage, res: ServerResponse, call: AdminCall): Promise<void> {
  send(res, call, await overviewJson(dashboardOf(call), windowOf(call.query, call.now)));
}

export async function dashboardPrivacy(_req: IncomingMessage, res: ServerResponse, call: AdminCall): Promise<void> {
  const window = windowOf(call.query, call.now);
  const facts = await dashboardOf(call).queries.privacy(window);
  send(res, call, {
    object: 'dashboard.privacy',
    window: { name: window.name, since: window.since, until: window.until, bucket_ms: window.bucketMs },
    ...facts,
  });
}

export async function dashboardRouting(_req: IncomingMessage, res: ServerResponse, call: AdminCall): Promise<void> {
  const deps = dashboardOf(call);
  const window = windowOf(call.query, call.now);
  const facts = await deps.queries.routing(window);
  const routes = deps.routes();
  // A request a route answered from another provider than its first target's went through a fallback (or a skip).
  const decisions = facts.decisions.map((d) => {
    const route = routes.find((r) => r.name === d.route);
    const first = route?.targets[0]?.provider ?? null;
    return { ...d, fallback: route !== undefined && first !== null && d.provider !== null && d.provider !== first };
  });
  send(res, call, {
    object: 'dashboard.routing',
    window: { name: window.name, since: window.since, until: window.until },
    decisions,
    fallbacks: decisions.filter((d) => d.fallback).reduce((s, d) => s + d.requests, 0),
    routes,
    breakers: deps.breakers(),
  });
}

export async function dashboardKeys(_req: IncomingMessage, res: ServerResponse, call: AdminCall): Promise<void> {
  const { keys, teams, ledger } = call.deps;
  const keyRows = await Promise.all((await keys.list()).map(async (k) => keyJson(k, call.now, await ledger.use({ keyId: k.id }, k.budget?.period ?? 'month'))));
  const teamRows = await Promise.all((await teams.list()).map(async (t) => teamJson(t, await ledger.use({ team: t.id }, t.budget?.period ?? 'month'))));
  send(res, call, { object: 'dashboard.keys', keys: keyRows, teams: teamRows });
}

export async function listModelVersions(_req: IncomingMessage, res: ServerResponse, call: AdminCall): Promise<void> {
  send(res, call, { object: 'list', data: await dashboardOf(call).models.list() });
}

const promoteBody = z.strictObject({ version: z.number().int().positive(), canary_percent: z.number().int().min(1).max(99).optional() });
const canaryBody = z.strictObject({ version: z.number().int().positive(), percent: z.number().int().min(1).max(99) });

async function changeVersion(req: IncomingMessage, res: ServerResponse, call: AdminCall, kind: 'promote' | 'canary' | 'rollback'): Promise<void> {
  const deps = dashboardOf(call);
  const name = call.params[0] as string;
  let version: number | null = null;
  let percent: number | null = null;
  if (kind !== 'rollback') {
    const raw = await readJsonBody(req, call.deps.bodyLimitBytes);
    const parsed = kind === 'promote' ? promoteBody.safeParse(raw) : canaryBody.safeParse(raw);
    if (!parsed.success) throw invalidRequestFrom(parsed.error);
    version = parsed.data.version;
    percent = 'percent' in parsed.data ? parsed.data.percent : (parsed.data.canary_percent ?? null);
  }
  const models = await deps.models.list();
  if (!models.some((m) => m.name === name && m.versions !== null)) throw new FlambeauError('not_found', `No model with versions named '${name.slice(0, 64)}'.`);
  // The change and its audit record in one transaction (holding the audit chain, then the pointer
  // row): both or neither. Announced only once committed, so no instance re-reads the old pointer.
  const { audit } = call.deps;
  await audit.atomically(async (tx) => {
    if (kind === 'rollback') await deps.models.rollback(name, tx);
    else await deps.models.promote(name, version as number, percent ?? undefined, tx);
    await audit.append(
      {
        type: 'admin',
        actor: actorOf(call.master),
        action: kind === 'rollback' ? 'model.rolled_back' : 'model.promoted',
        target: {},
        details: { model: name, version, canaryPercent: percent },
        requestId: call.id,
      },
      undefined,
      tx,
    );
  });
  deps.models.announce(name);
  const after = (await deps.models.list()).find((m) => m.name === name);
  send(res, call, after ?? null);
}

export const promoteModelVersion = (req: IncomingMessage, res: ServerResponse, call: AdminCall) => changeVersion(req, res, call, 'promote');
export const canaryModelVersion = (req: IncomingMessage, res: ServerResponse, call: AdminCall) => changeVersion(req, res, call, 'canary');
export const rollbackModelVersion = (req: IncomingMessage, res: ServerResponse, call: AdminCall) => changeVersion(req, res, call, 'rollback');

export async function listCollections(_req: IncomingMessage, res: ServerResponse, call: AdminCall): Promise<void> {
  const deps = dashboardOf(call);
  const data = await deps.collections();
  send(res, call, {
    object: 'list',
    embedder: deps.embedder,
    data: data.map((c) => ({ ...c, last_ingest_at: c.lastIngestAt === null ? null : new Date(c.lastIngestAt).toISOString() })),
  });
}

export async function auditRecords(_req: IncomingMessage, res: ServerResponse, call: AdminCall): Promise<void> {
  const text = call.query.get('limit') ?? '50';
  if (!/^[1-9]\d{0,2}$/.test(text) || Number(text) > 500) throw new FlambeauError('invalid_request', "Invalid 'limit': use 1 to 500.", { param: 'limit' });
  const records = await dashboardOf(call).queries.recentAudit(Number(text));
  send(res, call, { object: 'list', data: records.map((r) => ({ ...r, at: new Date(r.at).toISOString() })) });
}

export async function shadowReportRoute(_req: IncomingMessage, res: ServerResponse, call: AdminCall): Promise<void> {
  const window = windowOf(call.query.has('window') ? call.query : new URLSearchParams('window=30d'), call.now);
  send(res, call, { object: 'list', since: new Date(window.since).toISOString(), data: await dashboardOf(call).shadowReport(window.since) });
}
