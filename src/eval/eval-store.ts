import { fromNano, toNano } from '../auth/budget-columns.js';
import { guardStore } from '../auth/store-guard.js';
import type { SqlClient, SqlExecutor } from '../store/sql.js';
import type { EvalResult, EvalRun, RunKind } from './eval-run.js';

const nanoOf = (usd: number | null): number | null => (usd === null ? null : toNano(usd));
const usdOf = (nusd: number | null): number | null => (nusd === null ? null : fromNano(nusd));

/** A stored run without its results, with each model's pass count (for lists). */
export interface EvalRunHeader extends Omit<EvalRun, 'results'> {
  perModel: { model: string; cases: number; passed: number }[];
}

export interface EvalStore {
  /** Saves a run and its results in one transaction. */
  save(run: EvalRun, tx?: SqlExecutor): Promise<void>;
  /** The latest runs first. */
  list(options: { limit: number; kind?: RunKind }): Promise<EvalRunHeader[]>;
  get(id: string): Promise<EvalRun | null>;
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
export function createEvalStore(sql: SqlClient): EvalStore {
  const rowId = sql.dialect === 'sqlite' ? 'rowid' : 'row_id';
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
    save: (run, outer) =>
      guardStore(sql, 'saving an eval run', () =>
        (outer ?? sql).transaction(async (tx) => {
          await tx.run(
            `INSERT INTO eval_runs (id, kind, source, suite_sha256, models, judge, started_at, finished_at, cases, include_content)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
            [
              run.id,
              run.kind,
              run.source,
              run.suiteSha256,
              JSON.stringify(run.models),
              run.judge,
              run.startedAt,
              run.finishedAt,
              run.cases,
              run.includeContent ? 1 : 0,
            ],
          );
          for (const [seq, r] of run.results.entries())
            await tx.run(
              `INSERT INTO eval_results (run_id, seq, case_id, model, tags, grader, pass, score, reason, error_code, latency_ms,
              input_tokens, output_tokens, cost_nusd, request_id, judge_request_id, judge_cost_nusd, route, answer)
              VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
              [
                run.id,
                seq,
                r.caseId,
                r.model,
                r.tags.length === 0 ? null : JSON.stringify(r.tags),
                r.grader,
                r.pass === null ? null : r.pass ? 1 : 0,
                r.score,
                r.reason,
                r.errorCode,
                r.latencyMs,
                r.inputTokens,
                r.outputTokens,
                nanoOf(r.costUsd),
                r.requestId,
                r.judgeRequestId,
                nanoOf(r.judgeCostUsd),
                r.route,
                run.includeContent ? r.answer : null,
              ],
            );
        }),
      ),
    list: ({ limit, kind }) =>
      guardStore(sql, 'listing eval runs', async () => {
        const runs =
          kind === undefined
            ? await sql.all<RunRow>(`SELECT * FROM eval_runs ORDER BY started_at DESC, ${rowId} DESC LIMIT ?`, [limit])
            : await sql.all<RunRow>(`SELECT * FROM eval_runs WHERE kind = ? ORDER BY started_at DESC, ${rowId} DESC LIMIT ?`, [kind, limit]);
        const out: EvalRunHeader[] = [];
        for (const row of runs) {
          const counts = await sql.all<{ model: string; cases: number; passed: number }>(
            'SELECT model, COUNT(*) AS cases, COALESCE(SUM(CASE WHEN pass = 1 THEN 1 ELSE 0 END), 0) AS passed FROM eval_results WHERE run_id = ? GROUP BY model',
            [row.id],
          );
          const byModel = new Map(counts.map((c) => [c.model, c]));
          const h = header(row);
          out.push({ ...h, perModel: h.models.map((model) => byModel.get(model) ?? { model, cases: 0, passed: 0 }) });
        }
        return out;
      }),
    get: (id) =>
      guardStore(sql, 'reading an eval run', async () => {
        const row = await sql.get<RunRow>('SELECT * FROM eval_runs WHERE id = ?', [id]);
        return row === undefined
          ? null
          : { ...header(row), results: (await sql.all<ResultRow>('SELECT * FROM eval_results WHERE run_id = ? ORDER BY seq', [id])).map(resultOf) };
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
