import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FlambeauError } from '../../errors/index.js';
import { evaluateScores } from './evaluate-scores.js';
import { formatRouterEvaluation } from './router-eval-report.js';
import type { RoutingRow } from './routing-rows-wire.js';

function row(id: string, bench: string, weak: number, strong: number): RoutingRow {
  return { id, bench, subject: '', prompt: id, weak, strong };
}

describe('evaluateScores and its report', () => {
  const rows = [row('a', 'x', 0, 1), row('b', 'x', 0, 1), row('c', 'x', 1, 1), row('d', 'x', 1, 0), row('e', 'y', 0, 1), row('f', 'y', 1, 1)];
  const scores = [0.9, 0.1, 0.5, 0.3, 0.8, 0.2];

  it('evaluates each bench on its own, then all rows', () => {
    const evaluation = evaluateScores(rows, scores);
    assert.deepEqual(
      evaluation.groups.map((g) => [g.name, g.count]),
      [
        ['x', 4],
        ['y', 2],
        ['all', 6],
      ],
    );
    const x = evaluation.groups[0];
    assert.equal(x?.router.apgr, 0.625);
    assert.equal(x?.random.apgr, 0.5);
    assert.equal(x?.oracle.apgr, 1.375);
  });

  it('prints router, random and oracle rows per group', () => {
    const text = formatRouterEvaluation(evaluateScores(rows, scores));
    const lines = text.split('\n');
    assert.match(lines[0] ?? '', /APGR\s+CPT\(50%\)\s+CPT\(80%\)\s+avoided@95%/);
    assert.match(lines[1] ?? '', /^x\s+4\s+50\.0%\s+75\.0%\s+complexity\s+0\.625\s+12\.5%\s+20\.0%\s+78\.8%$/);
    assert.match(lines[2] ?? '', /random\s+0\.500\s+50\.0%\s+80\.0%\s+15\.0%$/);
    assert.match(lines[3] ?? '', /oracle\s+1\.375/);
    assert.equal(lines.length, 1 + 3 * 3);
  });

  it('needs one score per row', () => {
    assert.throws(
      () => evaluateScores(rows, [0.5]),
      (e: unknown) => e instanceof FlambeauError && e.code === 'invalid_request',
    );
  });
});
