import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RoutingRow } from './routing-rows-wire.js';
import { foldRows, splitRows } from './split-rows.js';

function rows(bench: string, count: number): RoutingRow[] {
  return Array.from({ length: count }, (_, i) => ({ id: `${bench}-${i}`, bench, subject: '', prompt: `p${i}`, weak: 0, strong: 1 }));
}

describe('splitRows', () => {
  const data = [...rows('a', 1000), ...rows('b', 100)];

  it('is deterministic and stratified per bench', () => {
    const one = splitRows(data);
    const two = splitRows([...data].reverse());
    assert.deepEqual(new Set(two.validation.map((r) => r.id)), new Set(one.validation.map((r) => r.id)));
    assert.equal(one.validation.filter((r) => r.bench === 'a').length, 200);
    assert.equal(one.validation.filter((r) => r.bench === 'b').length, 20);
    assert.equal(one.train.length + one.validation.length, data.length);
  });

  it('keeps rows sharing an id on the same side', () => {
    const twins = [...data, ...data.slice(0, 300).map((r) => ({ ...r, subject: 'other' }))];
    const { train, validation } = splitRows(twins);
    const trainIds = new Set(train.map((r) => r.id));
    assert.ok(validation.every((r) => !trainIds.has(r.id)));
  });

  it('folds partition the rows, each bench spread evenly', () => {
    const folds = foldRows(data, 5);
    assert.equal(folds.flat().length, data.length);
    for (const fold of folds) assert.equal(fold.filter((r) => r.bench === 'b').length, 20);
  });
});
