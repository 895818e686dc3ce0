import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compareRuns } from './eval-compare.js';
import type { EvalResult, EvalRun } from './eval-run.js';
import { disagreements, summarizeRun } from './eval-summary.js';

const result = (caseId: string, model: string, pass: boolean, over: Partial<EvalResult> = {}): EvalResult => ({
  caseId,
  model,
  tags: [],
  grader: 'contains',
  pass,
  score: null,
  reason: '',
  errorCode: null,
  latencyMs: 100,
  inputTokens: 10,
  outputTokens: 2,
  costUsd: 0.001,
  requestId: `${caseId}-${model}`,
  judgeRequestId: null,
  judgeCostUsd: null,
  route: null,
  answer: null,
  ...over,
});
const run = (id: string, results: EvalResult[], sha = 'a'.repeat(64)): EvalRun => ({
  id,
  kind: 'eval',
  source: 's',
  suiteSha256: sha,
  models: [...new Set(results.map((r) => r.model))],
  judge: null,
  startedAt: 0,
  finishedAt: 1,
  cases: new Set(results.map((r) => r.caseId)).size,
  includeContent: false,
  results,
});

describe('run summaries and comparisons', () => {
  it('counts failed calls as errors and not passed, takes latencies over answered calls, keeps unknown cost unknown', () => {
    const [local, cloud, absent] = summarizeRun(
      [
        result('a', 'local', true, { latencyMs: 50, costUsd: 0 }),
        result('b', 'local', false, { latencyMs: 150, costUsd: 0 }),
        result('c', 'local', false, { errorCode: 'judge_unreadable', latencyMs: 250, costUsd: 0 }),
        result('a', 'cloud', true, { costUsd: null }),
        result('b', 'cloud', false, { errorCode: 'policy_denied', latencyMs: 3, inputTokens: null, outputTokens: null, costUsd: null }),
      ],
      ['local', 'cloud', 'absent'],
    );
    assert.deepEqual(
      [local?.passed, local?.cases, local?.errors, local?.latencyP50Ms, local?.latencyP95Ms, local?.costUsd, local?.costUnknown],
      [1, 3, 0, 150, 250, 0, 0],
    );
    assert.deepEqual([cloud?.passed, cloud?.errors, cloud?.latencyP50Ms, cloud?.inputTokens, cloud?.costUsd, cloud?.costUnknown], [1, 1, 100, 10, null, 2]);
    assert.deepEqual([absent?.cases, absent?.passRate, absent?.ci], [0, null, { low: 0, high: 1 }]);
  });

  it('lists the cases where the models disagree', () => {
    const found = disagreements([result('a', 'x', true), result('a', 'y', true), result('b', 'x', true), result('b', 'y', false), result('c', 'x', false)]);
    assert.deepEqual(
      found.map((d) => [d.caseId, d.results.map((r) => r.model)]),
      [['b', ['x', 'y']]],
    );
  });

  it('pairs cases by id across runs: regressions, improvements, McNemar, models in common only', () => {
    const ids = ['c1', 'c2', 'c3', 'c4', 'c5', 'c6'];
    const before = run('ev_1', [...ids.map((id) => result(id, 'm', id !== 'c6')), result('c1', 'gone', true)]);
    const after = run('ev_2', [...ids.map((id) => result(id, 'm', id === 'c6')), result('c7', 'm', true), result('c1', 'new', true)]);
    const c = compareRuns(before, after);
    assert.equal(c.sameSuite, true);
    assert.deepEqual(
      c.models.map((m) => [m.model, m.paired, m.regressed, m.improved, m.pValue.toFixed(4)]),
      [['m', 6, ['c1', 'c2', 'c3', 'c4', 'c5'], ['c6'], '0.2188']],
    );
    assert.equal(compareRuns(before, run('ev_3', after.results, 'b'.repeat(64))).sameSuite, false);
  });
});
