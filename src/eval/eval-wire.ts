import { z } from 'zod';
import { FlambeauError } from '../errors/index.js';
import { RUN_KINDS, type EvalResult, type EvalRun } from './eval-run.js';
import { summarizeRun, type ModelSummary } from './eval-summary.js';

// The wire form of a run (snake_case, as the rest of the API): what `POST /admin/evals` takes,
// what `GET /admin/evals/{id}` answers, what the CLI reads back. One schema for every direction.

/** Results one run may hold (10,000 cases x 10 models). */
export const MAX_RESULTS = 100_000;
const REQUEST_ID = /^[\x21-\x7e]{1,128}$/;
const count = z.number().int().nonnegative().nullable();
const usd = z.number().finite().nonnegative().nullable().optional();

const resultWire = z.strictObject({
  case_id: z.string().min(1).max(128),
  model: z.string().min(1).max(256),
  tags: z.array(z.string().min(1).max(64)).max(32).optional(),
  grader: z.string().min(1).max(32),
  pass: z.boolean().nullable(),
  score: z.number().min(0).max(1).nullable().optional(),
  reason: z.string().max(1_000),
  error_code: z.string().max(64).nullable().optional(),
  latency_ms: z.number().finite().nonnegative().nullable(),
  input_tokens: count,
  output_tokens: count,
  /** Filled by the server from the gateway's usage rows; ignored when posted. */
  cost_usd: usd,
  request_id: z.string().regex(REQUEST_ID).nullable(),
  judge_request_id: z.string().regex(REQUEST_ID).nullable().optional(),
  judge_cost_usd: usd,
  route: z.string().max(256).nullable().optional(),
  answer: z.string().max(1_000_000).nullable().optional(),
});

const runWire = z.strictObject({
  kind: z.enum(RUN_KINDS).optional(),
  source: z.string().min(1).max(1_000),
  suite_sha256: z
    .string()
    .regex(/^[0-9a-f]{64}$/)
    .nullable(),
  models: z.array(z.string().min(1).max(256)).min(1).max(100),
  judge: z.string().min(1).max(256).nullable(),
  started_at: z.iso.datetime({ offset: true }),
  finished_at: z.iso.datetime({ offset: true }),
  cases: z.number().int().nonnegative().max(MAX_RESULTS),
  include_content: z.boolean().optional(),
  results: z.array(resultWire).max(MAX_RESULTS),
});

/** A posted run, checked; `id` and the costs are the server's to fill. */
export type PostedRun = Omit<EvalRun, 'id'>;

/** Reads a run as posted (or as the server answered, minus id and summary): 400 naming the first bad field. */
export function parseRunBody(body: unknown, invalid: (error: z.ZodError) => FlambeauError): PostedRun {
  const parsed = runWire.safeParse(body);
  if (!parsed.success) throw invalid(parsed.error);
  const b = parsed.data;
  const includeContent = b.include_content === true;
  return {
    kind: b.kind ?? 'eval',
    source: b.source,
    suiteSha256: b.suite_sha256,
    models: b.models,
    judge: b.judge,
    startedAt: Date.parse(b.started_at),
    finishedAt: Date.parse(b.finished_at),
    cases: b.cases,
    includeContent,
    results: b.results.map((r): EvalResult => ({
      caseId: r.case_id,
      model: r.model,
      tags: r.tags ?? [],
      grader: r.grader,
      pass: r.pass,
      score: r.score ?? null,
      reason: r.reason,
      errorCode: r.error_code ?? null,
      latencyMs: r.latency_ms,
      inputTokens: r.input_tokens,
      outputTokens: r.output_tokens,
      costUsd: r.cost_usd ?? null,
      requestId: r.request_id,
      judgeRequestId: r.judge_request_id ?? null,
      judgeCostUsd: r.judge_cost_usd ?? null,
      route: r.route ?? null,
      answer: includeContent ? (r.answer ?? null) : null,
    })),
  };
}

/** A run as the CLI reads it back from the server (`GET /admin/evals/{id}`). */
export function parseRunJson(value: unknown): EvalRun {
  const v = value as Record<string, unknown> | null;
  const id = v?.id;
  if (typeof id !== 'string') throw new FlambeauError('internal', 'The server answered an eval run without an id.');
  const { id: _id, object: _object, summary: _summary, ...rest } = v as Record<string, unknown>;
  return {
    id,
    ...parseRunBody(rest, (error) => new FlambeauError('internal', `The server answered an unreadable eval run: ${error.issues[0]?.message ?? ''}`)),
  };
}

const iso = (ms: number): string => new Date(ms).toISOString();

export function resultJson(r: EvalResult): Record<string, unknown> {
  return {
    case_id: r.caseId,
    model: r.model,
    tags: r.tags,
    grader: r.grader,
    pass: r.pass,
    score: r.score,
    reason: r.reason,
    error_code: r.errorCode,
    latency_ms: r.latencyMs,
    input_tokens: r.inputTokens,
    output_tokens: r.outputTokens,
    cost_usd: r.costUsd,
    request_id: r.requestId,
    judge_request_id: r.judgeRequestId,
    judge_cost_usd: r.judgeCostUsd,
    route: r.route,
    ...(r.answer === null ? {} : { answer: r.answer }),
  };
}

export function summaryJson(s: ModelSummary): Record<string, unknown> {
  return {
    model: s.model,
    cases: s.cases,
    passed: s.passed,
    errors: s.errors,
    pass_rate: s.passRate,
    ci95: [s.ci.low, s.ci.high],
    latency_p50_ms: s.latencyP50Ms,
    latency_p95_ms: s.latencyP95Ms,
    input_tokens: s.inputTokens,
    output_tokens: s.outputTokens,
    cost_usd: s.costUsd,
    cost_unknown: s.costUnknown,
    judge_cost_usd: s.judgeCostUsd,
  };
}

/** The run's header fields, on the wire. */
export function runHeaderJson(run: Omit<EvalRun, 'results'>): Record<string, unknown> {
  return {
    object: 'eval.run',
    id: run.id,
    kind: run.kind,
    source: run.source,
    suite_sha256: run.suiteSha256,
    models: run.models,
    judge: run.judge,
    started_at: iso(run.startedAt),
    finished_at: iso(run.finishedAt),
    cases: run.cases,
    include_content: run.includeContent,
  };
}

/** A whole run: header, per-model summary (computed, never stored), results. */
export function runJson(run: EvalRun): Record<string, unknown> {
  return { ...runHeaderJson(run), summary: summarizeRun(run.results, run.models).map(summaryJson), results: run.results.map(resultJson) };
}

/** What a client posts: the run without id or summary (`runJson` minus those). */
export function runBodyJson(run: PostedRun): Record<string, unknown> {
  const { object: _object, id: _id, ...header } = runHeaderJson({ ...run, id: '' });
  return { ...header, results: run.results.map(resultJson) };
}
