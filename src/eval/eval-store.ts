import { fromNano, toNano } from '../auth/budget-columns.js';
import { guardStore } from '../auth/store-guard.js';
import type { Db } from '../store/store.js';
import type { EvalResult, EvalRun, RunKind } from './eval-run.js';

const nanoOf = (usd: number | null): number | null => (usd === null ? null : toNano(usd));
const usdOf = (nusd: number | null): number | null => (nusd === null ? null : fromNano(nusd));

/** A stored run without its results, with each model's pass count (for lists). */
export interface EvalRunHeader extends Omit<EvalRun, 'results'> {
  perModel: { model: string; cases: number; passed: number }[];
}

export interface EvalStore {
  /** Saves a run and its results in one transaction. */
  save(run: EvalRun): void;
  /** The latest runs first. */
  list(options: { limit: number; kind?: RunKind }): EvalRunHeader[];
  get(id: string): EvalRun | null;
}

interface RunRow {
  id: string;
  kind: RunKind;
  source: string;
  suite_sha256: string | null;
  models: string;
  judge: string | null;
  started_at: number;
  finished_at: number;
  cases: number;
  include_content: number;
}

interface ResultRow {
  case_id: string;
  model: string;
  tags: string | null;
  grader: string;
  pass: number | null;
  score: number | null;
  reason: string;
  error_code: string | null;
  latency_ms: number | null;
  input_tokens: number | null;
  output_tokens: number | null;
  cost_nusd: number | null;
  request_id: string | null;
  judge_request_id: string | null;
  judge_cost_nusd: number | null;
  route: string | null;
  answer: string | null;
}

/** Stored runs (tables `eval_runs`, `eval_results`, migration 16). The answer column is filled only for runs stored with content. */
export function createEvalStore(db: Db): EvalStore {
  const insertRun = db.prepare(`INSERT INTO eval_runs (id, kind, source, suite_sha256, models, judge, started_at, finished_at, cases, include_content)
    VALUES (@id, @kind, @source, @suiteSha256, @models, @judge, @startedAt, @finishedAt, @cases, @includeContent)`);
  const insertResult = db.prepare(`INSERT INTO eval_results (run_id, seq, case_id, model, tags, grader, pass, score, reason, error_code, latency_ms,
    input_tokens, output_tokens, cost_nusd, request_id, judge_request_id, judge_cost_nusd, route, answer)
    VALUES (@runId, @seq, @caseId, @model, @tags, @grader, @pass, @score, @reason, @errorCode, @latencyMs,
    @inputTokens, @outputTokens, @costNusd, @requestId, @judgeRequestId, @judgeCostNusd, @route, @answer)`);
  const selectRuns = db.prepare<[number], RunRow>('SELECT * FROM eval_runs ORDER BY started_at DESC, rowid DESC LIMIT ?');
  const selectRunsOfKind = db.prepare<[string, number], RunRow>('SELECT * FROM eval_runs WHERE kind = ? ORDER BY started_at DESC, rowid DESC LIMIT ?');
  const selectRun = db.prepare<[string], RunRow>('SELECT * FROM eval_runs WHERE id = ?');
  const selectResults = db.prepare<[string], ResultRow>('SELECT * FROM eval_results WHERE run_id = ? ORDER BY seq');
  const selectCounts = db.prepare<[string], { model: string; cases: number; passed: number }>(
    'SELECT model, COUNT(*) AS cases, COALESCE(SUM(pass = 1), 0) AS passed FROM eval_results WHERE run_id = ? GROUP BY model',
  );
  const save = db.transaction((run: EvalRun) => {
    insertRun.run({ ...run, models: JSON.stringify(run.models), includeContent: run.includeContent ? 1 : 0 });
    run.results.forEach((r, seq) =>
      insertResult.run({
        ...r,
        runId: run.id,
        seq,
        tags: r.tags.length === 0 ? null : JSON.stringify(r.tags),
        pass: r.pass === null ? null : r.pass ? 1 : 0,
        costNusd: nanoOf(r.costUsd),
        judgeCostNusd: nanoOf(r.judgeCostUsd),
        answer: run.includeContent ? r.answer : null,
      }),
    );
  });
  const header = (row: RunRow): Omit<EvalRun, 'results'> => ({
    id: row.id,
    kind: row.kind,
    source: row.source,
    suiteSha256: row.suite_sha256,
    models: JSON.parse(row.models) as string[],
    judge: row.judge,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    cases: row.cases,
    includeContent: row.include_content === 1,
  });
  return {
    save: (run) => guardStore(db, 'saving an eval run', () => save(run)),
    list: ({ limit, kind }) =>
      guardStore(db, 'listing eval runs', () =>
        (kind === undefined ? selectRuns.all(limit) : selectRunsOfKind.all(kind, limit)).map((row) => {
          const counts = new Map(selectCounts.all(row.id).map((c) => [c.model, c]));
          const h = header(row);
          return { ...h, perModel: h.models.map((model) => counts.get(model) ?? { model, cases: 0, passed: 0 }) };
        }),
      ),
    get: (id) =>
      guardStore(db, 'reading an eval run', () => {
        const row = selectRun.get(id);
        return row === undefined ? null : { ...header(row), results: selectResults.all(id).map(resultOf) };
      }),
  };
}

function resultOf(row: ResultRow): EvalResult {
  return {
    caseId: row.case_id,
    model: row.model,
    tags: row.tags === null ? [] : (JSON.parse(row.tags) as string[]),
    grader: row.grader,
    pass: row.pass === null ? null : row.pass === 1,
    score: row.score,
    reason: row.reason,
    errorCode: row.error_code,
    latencyMs: row.latency_ms,
    inputTokens: row.input_tokens,
    outputTokens: row.output_tokens,
    costUsd: usdOf(row.cost_nusd),
    requestId: row.request_id,
    judgeRequestId: row.judge_request_id,
    judgeCostUsd: usdOf(row.judge_cost_nusd),
    route: row.route,
    answer: row.answer,
  };
}
