import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { StoredChunk } from './db.js';
import type { SearchHit } from './hybrid-search.js';
import { aboveRelevanceFloor } from './relevance-floor.js';

function hit(id: number, relevance: number | null, vectorRank: number | null = null): SearchHit {
  const chunk = { id } as StoredChunk;
  return { chunk, score: 1, bm25Rank: relevance === null ? null : id, vectorRank, bm25: relevance === null ? null : -relevance, distance: null, relevance };
}
const ids = (hits: SearchHit[]) => hits.map((h) => h.chunk.id);

describe('relevance floor', () => {
  it('keeps the chunks that match the question about as well as the best one', () => {
    assert.deepEqual(ids(aboveRelevanceFloor([hit(1, 1.2), hit(2, 0.9), hit(3, 0.2), hit(4, 0.1)], 0)), [1, 2]);
  });

  it('gives none for a weak question, whose best chunk shares only a minor word with it', () => {
    assert.deepEqual(ids(aboveRelevanceFloor([hit(1, 0.2), hit(2, 0.1)], 0)), []);
  });

  it('lets vectors vouch for their best chunks only when they count', () => {
    const hits = [hit(1, 0.9), hit(5, null, 1), hit(6, null, 3)];
    assert.deepEqual(ids(aboveRelevanceFloor(hits, 0.5)), [1, 5, 6]);
    assert.deepEqual(ids(aboveRelevanceFloor(hits, 0)), [1]);
    // No word lands: only the vectors' two best, and only with weight.
    assert.deepEqual(ids(aboveRelevanceFloor([hit(5, null, 1), hit(6, null, 2), hit(7, null, 3)], 0.5)), [5, 6]);
    assert.deepEqual(ids(aboveRelevanceFloor([hit(5, null, 1)], 0)), []);
  });
});
