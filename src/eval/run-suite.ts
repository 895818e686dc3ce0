import type { Answer, EvalCase } from './eval-case.js';
import type { EvalResult } from './eval-run.js';
import { gradeAnswer } from './grade-answer.js';
import type { CallModel } from './model-call.js';
import type { Suite } from './suite-parse.js';

export interface RunSuiteOptions {
  suite: Suite;
  models: readonly string[];
  /** The judge model for `judge` cases; null: such cases fail with a reason. */
  judge: string | null;
  /** Calls in flight at once (answers and judge calls together), at least 1. */
  concurrency: number;
  call: CallModel;
  /** Prefix of every request id (`<runId>-<case>-<model>`, `...-j` for the judge call). */
  runId: string;
  signal: AbortSignal;
  /** Keeps each answer's text in the results (stored only with --include-content; shown by --show-diff). */
  keepAnswers: boolean;
  /** Called as each result is graded (progress). */
  onResult?: (result: EvalResult, done: number, total: number) => void;
}

/** A grader's text answer, tool calls spelled out, for --show-diff and stored content. */
function answerText(answer: Answer): string {
  return [answer.text, ...answer.toolCalls.map((c) => `[tool call] ${c.name}(${c.arguments})`)].filter((s) => s !== '').join('\n');
}

/**
 * Runs every case against every model through `call` (the gateway), `concurrency` calls at a
 * time, and grades each answer. Results come back in suite order, models in the given order,
 * whatever order the calls finished in. A call that throws (gateway unreachable, key refused)
 * stops the run: the calls in flight are aborted and the error propagates.
 */
export async function runSuite(o: RunSuiteOptions): Promise<EvalResult[]> {
  const jobs = o.suite.cases.flatMap((c, ci) => o.models.map((model, mi) => ({ c, model, requestId: `${o.runId}-${ci + 1}-${mi + 1}` })));
  const results: EvalResult[] = new Array(jobs.length);
  const stop = new AbortController();
  const signal = AbortSignal.any([o.signal, stop.signal]);
  const judge = o.judge === null ? null : { model: o.judge, call: o.call, signal };
  let next = 0;
  let done = 0;
  const worker = async (): Promise<void> => {
    while (next < jobs.length && !signal.aborted) {
      const index = next++;
      const job = jobs[index] as (typeof jobs)[number];
      const result = await runOne(job.c, job.model, job.requestId, o.call, judge, signal, o.keepAnswers);
      results[index] = result;
      done += 1;
      o.onResult?.(result, done, jobs.length);
    }
  };
  // The first failure is the cause; the aborts it makes in the other workers are not.
  let failure: { error: unknown } | null = null;
  const workers = Array.from({ length: Math.max(1, Math.min(o.concurrency, jobs.length)) }, () =>
    worker().catch((error: unknown) => {
      failure ??= { error };
      stop.abort();
    }),
  );
  await Promise.all(workers);
  if (failure !== null) throw (failure as { error: unknown }).error;
  o.signal.throwIfAborted();
  return results;
}

async function runOne(
  c: EvalCase,
  model: string,
  requestId: string,
  call: CallModel,
  judge: { model: string; call: CallModel; signal: AbortSignal } | null,
  signal: AbortSignal,
  keepAnswers: boolean,
): Promise<EvalResult> {
  const body: Record<string, unknown> = { model, messages: c.messages, temperature: 0 };
  if (c.tools !== null) body.tools = c.tools;
  if (c.maxTokens !== null) body.max_tokens = c.maxTokens;
  const base = { caseId: c.id, model, tags: c.tags, grader: c.expect.kind, score: null, costUsd: null, judgeCostUsd: null, route: null } as const;
  const answered = await call({ model, body, requestId, signal });
  if (!answered.ok) {
    return {
      ...base,
      pass: false,
      reason: `the call failed: HTTP ${answered.status} ${answered.errorCode}`,
      errorCode: answered.errorCode,
      latencyMs: answered.latencyMs,
      inputTokens: null,
      outputTokens: null,
      requestId,
      judgeRequestId: null,
      answer: null,
    };
  }
  const verdict = await gradeAnswer(c, answered.answer, judge, `${requestId}-j`);
  return {
    ...base,
    pass: verdict.pass,
    reason: verdict.reason,
    errorCode: verdict.errorCode ?? null,
    latencyMs: answered.latencyMs,
    inputTokens: answered.inputTokens,
    outputTokens: answered.outputTokens,
    requestId,
    judgeRequestId: verdict.judgeRequestId ?? null,
    answer: keepAnswers ? answerText(answered.answer) : null,
  };
}
