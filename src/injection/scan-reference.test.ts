import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { referenceCorpus } from './scan-reference-corpus.js';
import { referenceFigures } from './scan-reference.js';

// Written by bench/injection-reference.ts from the scanner before its speed work (decision 0006,
// "Speed, round 8"): the scan path may get faster, never different. Compared exactly (JSON keeps
// every bit of a double), so one changed hash, feature, fold or signal fails here.
const stored: unknown = JSON.parse(readFileSync(new URL('./__fixtures__/scan-reference.json', import.meta.url), 'utf8'));

describe('the scanner against its stored reference', () => {
  const cases = referenceCorpus();
  const actual = referenceFigures(cases);
  assert.ok(Array.isArray(stored));
  it('covers the same cases', () => {
    assert.deepEqual(
      actual.map((a) => a.name),
      stored.map((s: { name?: unknown }) => s.name),
    );
  });
  actual.forEach((figures, i) =>
    it(`gives bit-identical folds, logits, scores and signals: ${figures.name}`, () => {
      assert.deepStrictEqual(figures, stored[i]);
    }),
  );
});
