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
  it('reads once for the requests of one turn, and again for a request that asks after that read began', async () => {
    const { catalog, reads } = countingCatalog();
    await Promise.all([refreshVersionsOnce(catalog), refreshVersionsOnce(catalog), refreshVersionsOnce(catalog)]);
    assert.equal(reads(), 1);
    await refreshVersionsOnce(catalog);
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
