import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { actorOf } from '../../auth/principal.js';
import { RUN_KINDS, parseRunBody, runHeaderJson, runJson, withGatewayCosts, type RunKind } from '../../eval/index.js';
import { FlambeauError } from '../../errors/index.js';
import type { AdminCall } from './admin-routes.js';
import { readJsonBody } from './read-json-body.js';
import { sendJson } from './send.js';
import { invalidRequestFrom } from './zod-issue.js';

/** A posted run may exceed the server's body limit: 100,000 results of a few hundred bytes each. */
const EVAL_BODY_LIMIT_BYTES = 64 * 1024 * 1024;
/** Usage rows older than the run's start by more than this are not its calls (clients may reuse request ids). */
const CLOCK_SLACK_MS = 60_000;

function send(res: ServerResponse, call: AdminCall, status: number, body: unknown): void {
  sendJson(res, status, body, { 'x-request-id': call.id, 'cache-control': 'no-store' });
}

/**
 * POST /admin/evals: stores a run the CLI made through the gateway. Costs come from the gateway's
 * usage rows of the run's request ids, not from the client; the run and its audit record are
 * written in one transaction.
 */
export async function storeEvalRun(req: IncomingMessage, res: ServerResponse, call: AdminCall): Promise<void> {
  const posted = parseRunBody(await readJsonBody(req, Math.max(call.deps.bodyLimitBytes, EVAL_BODY_LIMIT_BYTES)), invalidRequestFrom);
  const { usage, audit, evals } = call.deps;
  const since = posted.startedAt - CLOCK_SLACK_MS;
  const costs = new Map<string, number | null>();
  for (const requestId of new Set(posted.results.flatMap((r) => [r.requestId, r.judgeRequestId]).filter((id) => id !== null))) {
    const rows = (await usage.forRequest(requestId)).filter((row) => row.at >= since);
    costs.set(requestId, rows.length === 0 ? null : rows.reduce((sum, row) => sum + row.costUsd, 0));
  }
  const costOf = (requestId: string): number | null => costs.get(requestId) ?? null;
  const run = { id: `ev_${randomBytes(9).toString('base64url')}`, ...posted, results: withGatewayCosts(posted.results, costOf) };
  await audit.atomically(async (tx) => {
    await evals.save(run, tx);
    await audit.append(
      {
        type: 'admin',
        actor: actorOf(call.master),
        action: 'eval.stored',
        target: {},
        details: {
          run: run.id,
          kind: run.kind,
          source: run.source,
          models: run.models,
          judge: run.judge,
          results: run.results.length,
          includeContent: run.includeContent,
        },
        requestId: call.id,
      },
      undefined,
      tx,
    );
  });
  send(res, call, 201, runJson(run));
}

/** GET /admin/evals?limit=N&kind=eval|shadow: the latest runs, with each model's pass count. */
export async function listEvalRuns(_req: IncomingMessage, res: ServerResponse, call: AdminCall): Promise<void> {
  const limitText = call.query.get('limit') ?? '50';
  if (!/^[1-9]\d{0,3}$/.test(limitText)) throw new FlambeauError('invalid_request', "Invalid 'limit': use 1 to 9999.", { param: 'limit' });
  const kind = call.query.get('kind');
  if (kind !== null && !(RUN_KINDS as readonly string[]).includes(kind))
    throw new FlambeauError('invalid_request', `Invalid 'kind': use ${RUN_KINDS.join(' or ')}.`, { param: 'kind' });
  const runs = await call.deps.evals.list({ limit: Number(limitText), ...(kind === null ? {} : { kind: kind as RunKind }) });
  send(res, call, 200, {
    object: 'list',
    data: runs.map((run) => ({
      ...runHeaderJson(run),
      pass_counts: run.perModel.map((m) => ({ model: m.model, cases: m.cases, passed: m.passed })),
    })),
  });
}

/** GET /admin/evals/{id}: the run, its per-model summary and every result. */
export async function showEvalRun(_req: IncomingMessage, res: ServerResponse, call: AdminCall): Promise<void> {
  const id = call.params[0] as string;
  const run = await call.deps.evals.get(id);
  if (run === null) throw new FlambeauError('not_found', `No eval run '${id.slice(0, 64)}'.`);
  send(res, call, 200, runJson(run));
}
