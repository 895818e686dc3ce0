/**
 * Kinds of stored runs. `eval`: a suite run offline (`flambeau eval run`). `shadow` is reserved for
 * shadow evaluation of live traffic (issue 16, item 2): one run per shadow rule and UTC day, each
 * shadowed request a case (case id = request id) with one result per compared model, the
 * agreement in `score` and the judge's verdict in `pass`/`reason` (docs/decisions/0008).
 */
export const RUN_KINDS = ['eval', 'shadow'] as const;
export type RunKind = (typeof RUN_KINDS)[number];

/** One model's result on one case. Never the prompt; the answer only when the run opted in. */
export interface EvalResult {
  caseId: string;
  model: string;
  tags: string[];
  /** The grader's name (`equals`...`judge`; for shadow runs: `exact`, `json`, `embedding`, `judge`). */
  grader: string;
  /** Null: no verdict (shadow comparisons without one). Eval results always have one; a failed call is false. */
  pass: boolean | null;
  /** Agreement with the reference answer in [0, 1] (shadow runs); null for suite cases. */
  score: number | null;
  /** Why, in words that never quote the answer (a judge's own reason excepted). */
  reason: string;
  /** The gateway's error code when the call failed (`policy_denied`, `budget_exhausted`...), or a grading failure (`judge_unreadable`). */
  errorCode: string | null;
  latencyMs: number | null;
  inputTokens: number | null;
  outputTokens: number | null;
  /** USD the gateway charged for the call (its usage row); null when unknown (not stored, audit off). */
  costUsd: number | null;
  /** The call's x-request-id: joins the result to its usage row and audit record. */
  requestId: string | null;
  judgeRequestId: string | null;
  judgeCostUsd: number | null;
  /** The routing rule (shadow runs); null for suite cases. */
  route: string | null;
  /** The answer text, only in runs stored with content (`--include-content`). */
  answer: string | null;
}

export interface EvalRun {
  id: string;
  kind: RunKind;
  /** The suite (`builtin:smoke`, a file's name) or the shadow rule. */
  source: string;
  /** sha256 of the suite's bytes; compare warns when two runs used different suites. */
  suiteSha256: string | null;
  models: string[];
  judge: string | null;
  /** Unix ms. */
  startedAt: number;
  finishedAt: number;
  /** Cases in the suite (results = cases x models). */
  cases: number;
  includeContent: boolean;
  results: EvalResult[];
}
