import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { planWindows } from './text-windows.js';

describe('planWindows', () => {
  it('reads a short text in one window', () => {
    assert.deepEqual(planWindows(10, 400, 200, 8), { windows: [{ start: 0, end: 10 }], coverage: 1 });
  });
  it('overlaps windows so any passage of size - stride characters lies whole in one', () => {
    const { windows, coverage } = planWindows(1000, 400, 200, 100);
    assert.equal(coverage, 1);
    assert.deepEqual(
      windows.map((w) => w.start),
      [0, 200, 400, 600],
    );
    for (let start = 0; start + 200 <= 1000; start += 7)
      assert.ok(
        windows.some((w) => w.start <= start && start + 200 <= w.end),
        `passage at ${start}`,
      );
  });
  it('spreads a bounded number of windows from head to tail past the limit', () => {
    const { windows, coverage } = planWindows(100_000, 400, 200, 10);
    assert.equal(windows.length, 10);
    assert.equal(windows[0]?.start, 0);
    assert.equal(windows[9]?.end, 100_000);
    assert.ok(Math.abs(coverage - 0.04) < 1e-9);
  });
});
