import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ModelCatalog } from '../models/model-catalog.js';
import { refreshVersionsOnce } from './refresh-versions.js';

function countingCatalog(): { catalog: ModelCatalog; reads: () => number } {
  let reads = 0;
  const catalog = {
    refreshVersions: async () => {
      reads += 1;
    },
  } as unknown as ModelCatalog;
  return { catalog, reads: () => reads };
}

describe('refreshVersionsOnce', () => {
  it('reads at once for the first request of a turn, and once more, at its end, for all the others', async () => {
    const { catalog, reads } = countingCatalog();
    const first = refreshVersionsOnce(catalog);
    // Begun before anything else runs: a request alone in its turn does not wait for the turn's end.
    assert.equal(reads(), 1);
    const others = [refreshVersionsOnce(catalog), refreshVersionsOnce(catalog)];
    assert.equal(reads(), 1);
    await Promise.all([first, ...others]);
    assert.equal(reads(), 2);
    // A later turn reads at once again.
    await new Promise((resolve) => setImmediate(resolve));
    void refreshVersionsOnce(catalog);
    assert.equal(reads(), 3);
  });

  it('gives a request that asks after the first read began a read that begins after it asked', async () => {
    const { catalog, reads } = countingCatalog();
    const first = refreshVersionsOnce(catalog);
    const second = refreshVersionsOnce(catalog);
    await first;
    assert.equal(reads(), 1, 'the second request is not served by the read that began before it asked');
    await second;
    assert.equal(reads(), 2);
  });

  it('never lets a request skip a read that began after it asked', async () => {
    const { catalog, reads } = countingCatalog();
    const first = refreshVersionsOnce(catalog);
    let late: Promise<void> | undefined;
    // Asked while the first read is under way (after its turn ended): it gets a read of its own.
    setImmediate(() => {
      late = refreshVersionsOnce(catalog);
    });
    await first;
    await new Promise((resolve) => setImmediate(resolve));
    await late;
    assert.equal(reads(), 2);
  });

  it('keeps the reads of two catalogs apart', async () => {
    const a = countingCatalog();
    const b = countingCatalog();
    await Promise.all([refreshVersionsOnce(a.catalog), refreshVersionsOnce(b.catalog)]);
    assert.deepEqual([a.reads(), b.reads()], [1, 1]);
  });
});
