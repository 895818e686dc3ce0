import { once } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AdminAction, AuditEvent } from '../../audit/audit-event.js';
import type { AuditLog } from '../../audit/audit-log.js';
import type { BudgetLedger } from '../../auth/budget-ledger.js';
import type { EvalStore } from '../../eval/index.js';
import { parseSince } from '../../auth/key-options.js';
import type { KeyStore } from '../../auth/key-store.js';
import { actorOf, ADMIN_ENDPOINT, isAdmin, type KeyPrincipal } from '../../auth/principal.js';
import type { TeamStore } from '../../auth/team-store.js';
import { FlambeauError } from '../../errors/index.js';
import { USAGE_GROUPINGS, type UsageGrouping, type UsageLog } from '../../usage/usage-log.js';
import type { DashboardDeps } from './dashboard-deps.js';
import { keyJson, parseNewKeyBody, parseTeamBody, teamJson, usageJson } from './admin-wire.js';
import { readJsonBody } from './read-json-body.js';
import { sendJson } from './send.js';

export interface AdminDeps {
  keys: KeyStore;
  teams: TeamStore;
  ledger: BudgetLedger;
  usage: UsageLog;
  audit: AuditLog;
  /** Stored eval runs (eval-admin-routes.ts). */
  evals: EvalStore;
  bodyLimitBytes: number;
  clock?: () => number;
  /** The dashboard's reads and model actions (dashboard-admin-routes.ts); absent, those endpoints are 404. */
  dashboard?: DashboardDeps;
}

/** One admin call: the master key that makes it, the route's decoded path parameters, the query. */
export interface AdminCall {
  id: string;
  master: KeyPrincipal;
  params: string[];
  query: URLSearchParams;
  deps: AdminDeps;
  now: number;
}

/** Who the admin API lets in (re-exported for the dashboard's sign-in, which may not import auth/). */
export { isAdmin };

export type AdminHandler = (req: IncomingMessage, res: ServerResponse, call: AdminCall) => Promise<void> | void;

/**
 * The admin API under `/admin/` (its routes are lines of the one route table, routes.ts): keys,
 * teams, usage and the audit log. Only the master key and admin keys (`isAdmin`) may call it
 * (another valid key gets 403 `forbidden`, whatever the path); every change appends an audit record in the same transaction
 * as the change itself.
 */
export async function authenticateAdmin(authorization: string | undefined, deps: AdminDeps): Promise<KeyPrincipal> {
  const principal = await deps.keys.authenticate(authorization);
  if (!isAdmin(principal))
    throw new FlambeauError('forbidden', 'The admin API needs the master key or a key whose endpoints name `admin`.', {
      details: { denied: 'endpoint', endpoint: 'admin' },
    });
  return principal;
}

function send(res: ServerResponse, call: AdminCall, status: number, body: unknown): void {
  sendJson(res, status, body, { 'x-request-id': call.id, 'cache-control': 'no-store' });
}

function adminEvent(call: AdminCall, action: AdminAction, target: { keyId?: string; team?: string }, details: Record<string, unknown>): AuditEvent {
  return { type: 'admin', actor: actorOf(call.master), action, target, details, requestId: call.id };
}

export async function createKey(req: IncomingMessage, res: ServerResponse, call: AdminCall): Promise<void> {
  const input = parseNewKeyBody(await readJsonBody(req, call.deps.bodyLimitBytes), call.now);
  // An admin key makes keys, not admins: one that could would outlive its own expiry and
  // revocation through the admin it made.
  if (input.scopes?.endpoints?.includes(ADMIN_ENDPOINT) === true && call.master.kind !== 'master')
    throw new FlambeauError('forbidden', 'Only the master key makes admin keys.', {
      param: 'endpoints',
      details: { denied: 'endpoint', endpoint: ADMIN_ENDPOINT },
    });
  const { keys, audit } = call.deps;
  const created = await audit.atomically(async (tx) => {
    const made = await keys.create(input, tx);
    const r = made.record;
    await audit.append(
      adminEvent(
        call,
        'key.created',
        { keyId: r.id, ...(r.team === null ? {} : { team: r.team }) },
        { name: r.name, scopes: r.scopes, budget: r.budget, rpm: r.limits.rpm, tpm: r.limits.tpm, expiresAt: r.expiresAt },
      ),
      undefined,
      tx,
    );
    return made;
  });
  // The only time the key is ever shown.
  send(res, call, 201, { ...keyJson(created.record, call.now), key: created.token });
}

export async function listKeys(_req: IncomingMessage, res: ServerResponse, call: AdminCall): Promise<void> {
  send(res, call, 200, { object: 'list', data: (await call.deps.keys.list()).map((k) => keyJson(k, call.now)) });
}

export async function showKey(_req: IncomingMessage, res: ServerResponse, call: AdminCall): Promise<void> {
  const key = await call.deps.keys.get(call.params[0] as string);
  send(res, call, 200, keyJson(key, call.now, await call.deps.ledger.use({ keyId: key.id }, key.budget?.period ?? 'month')));
}

export async function revokeKey(_req: IncomingMessage, res: ServerResponse, call: AdminCall): Promise<void> {
  const { keys, audit } = call.deps;
  const id = call.params[0] as string;
  const { record, changed } = await audit.atomically(async (tx) => {
    const result = await keys.revoke(id, tx);
    await audit.append(
      adminEvent(
        call,
        'key.revoked',
        { keyId: id, ...(result.record.team === null ? {} : { team: result.record.team }) },
        { name: result.record.name, alreadyRevoked: !result.changed },
      ),
      undefined,
      tx,
    );
    return result;
  });
  // After the commit: a cluster tells the other instances now (cluster/follow-cluster.ts).
  keys.invalidate(id);
  send(res, call, 200, { ...keyJson(record, call.now), revoked: changed });
}

export async function saveTeam(req: IncomingMessage, res: ServerResponse, call: AdminCall): Promise<void> {
  const change = parseTeamBody(await readJsonBody(req, call.deps.bodyLimitBytes));
  const { teams, audit, keys } = call.deps;
  const { team, created } = await audit.atomically(async (tx) => {
    const result = await teams.upsert(change, tx);
    const t = result.team;
    await audit.append(
      adminEvent(call, result.created ? 'team.created' : 'team.updated', { team: t.id }, { budget: t.budget, rpm: t.limits.rpm, tpm: t.limits.tpm }),
      undefined,
      tx,
    );
    return result;
  });
  keys.invalidate(); // cached principals carry their team's limits
  send(res, call, created ? 201 : 200, teamJson(team));
}

export async function listTeams(_req: IncomingMessage, res: ServerResponse, call: AdminCall): Promise<void> {
  send(res, call, 200, { object: 'list', data: (await call.deps.teams.list()).map((t) => teamJson(t)) });
}

export async function showTeam(_req: IncomingMessage, res: ServerResponse, call: AdminCall): Promise<void> {
  const id = call.params[0] as string;
  const team = await call.deps.teams.get(id);
  if (team === null) throw new FlambeauError('not_found', `No team named '${id.slice(0, 64)}'.`);
  send(res, call, 200, teamJson(team, await call.deps.ledger.use({ team: team.id }, team.budget?.period ?? 'month')));
}

export async function showUsage(_req: IncomingMessage, res: ServerResponse, call: AdminCall): Promise<void> {
  const by = call.query.get('by') ?? 'key';
  if (!(USAGE_GROUPINGS as readonly string[]).includes(by))
    throw new FlambeauError('invalid_request', `Invalid 'by': use ${USAGE_GROUPINGS.join(', ')}.`, { param: 'by' });
  const since = optionalSince(call);
  send(res, call, 200, usageJson(await call.deps.usage.summarize({ by: by as UsageGrouping, ...(since === undefined ? {} : { since }) })));
}

export async function verifyAudit(_req: IncomingMessage, res: ServerResponse, call: AdminCall): Promise<void> {
  const seq = call.query.get('anchor_seq');
  const hash = call.query.get('anchor_hash');
  if ((seq === null) !== (hash === null) || (seq !== null && !/^[1-9]\d*$/.test(seq)) || (hash !== null && !/^[0-9a-f]{64}$/.test(hash))) {
    throw new FlambeauError('invalid_request', 'An anchor needs both anchor_seq (a record number) and anchor_hash (64 hex digits).', { param: 'anchor_seq' });
  }
  const result = await call.deps.audit.verify(seq === null || hash === null ? {} : { anchor: { seq: Number(seq), hash } });
  send(
    res,
    call,
    200,
    result.ok
      ? { ok: true, count: result.count, head: result.head }
      : { ok: false, count: result.count, first_broken: result.firstBroken, reason: result.reason },
  );
}

export async function exportAudit(_req: IncomingMessage, res: ServerResponse, call: AdminCall): Promise<void> {
  const since = optionalSince(call);
  // Reading the trail is itself worth a record: who took a copy, from when. Awaited: no copy leaves
  // unless its record is written (a store failure is then a 503 before any byte).
  await call.deps.audit.append(adminEvent(call, 'audit.exported', {}, { since: since === undefined ? null : new Date(since).toISOString() }));
  const lines = call.deps.audit.exportLines(since === undefined ? {} : { since })[Symbol.asyncIterator]();
  const first = await lines.next();
  res.writeHead(200, { 'content-type': 'application/x-ndjson; charset=utf-8', 'x-request-id': call.id, 'cache-control': 'no-store' });
  try {
    for (let next = first; next.done !== true; next = await lines.next()) {
      if (!res.write(next.value) && !(await drained(res))) return;
    }
    res.end();
  } catch (error) {
    // Headers are sent: a truncated body must not look complete.
    res.destroy(error as Error);
  }
}

/** Waits for room in the socket; false when the client went away instead. */
async function drained(res: ServerResponse): Promise<boolean> {
  if (res.destroyed) return false;
  const stop = new AbortController();
  const wait = (event: string) =>
    once(res, event, { signal: stop.signal }).then(
      () => event,
      () => event,
    );
  try {
    return (await Promise.race([wait('drain'), wait('close')])) === 'drain';
  } finally {
    stop.abort(); // removes the listener that did not fire
  }
}

function optionalSince(call: AdminCall): number | undefined {
  const text = call.query.get('since');
  return text === null || text === '' ? undefined : parseSince(text, call.now);
}
