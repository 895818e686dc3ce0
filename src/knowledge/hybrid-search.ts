import { FlambeauError } from '../errors/index.js';
import type { KnowledgeDb, StoredChunk } from './db.js';
import type { SearchFilters } from './search-filters.js';
import type { Embedder } from './embedder.js';
import { textHits } from './text-hits.js';

export type SearchMode = 'hybrid' | 'bm25' | 'vector';

export interface SearchOptions {
  query: string;
  filters: SearchFilters;
  /** Chunks returned (default 8). */
  k?: number;
  /** Null: BM25 only. */
  embedder: Embedder | null;
  signal?: AbortSignal;
  mode?: SearchMode;
  /** Candidates taken from each list before fusion (default max(50, 2k)). */
  candidates?: number;
  /** The RRF constant (default 60, as in Cormack et al. 2009). */
  rrfK?: number;
  /**
   * The vector list's share of the fusion, 0..1 (default 0.5: plain RRF). Calibration measures it
   * per collection (see calibrateFusion); 0 makes hybrid exactly BM25 and skips the embedder.
   */
  vectorWeight?: number;
}

export interface SearchHit {
  chunk: StoredChunk;
  /** Fused score: Σ 2·weight/(rrfK + rank) over the lists the chunk is in (weights 1/2 each: plain RRF). */
  score: number;
  /** 1-based ranks in each list; null when absent from it. */
  bm25Rank: number | null;
  vectorRank: number | null;
  /** FTS5 bm25() (lower is better) and cosine distance (0..2, lower is better). */
  bm25: number | null;
  distance: number | null;
  /** How much of the query's words the chunk matched (see TextHit.relevance); null when BM25 did not list it. */
  relevance: number | null;
}

/** Why a search answered with less than it was asked for: the embedding model failed, so BM25 alone. */
export type SearchDegradation = 'vector_unavailable';

export interface SearchResult {
  hits: SearchHit[];
  /** Null when every list asked for was searched. */
  degraded: SearchDegradation | null;
  /** The vector list's share of the fusion as searched (0: BM25 alone, no embedder, or it failed). */
  vectorWeight: number;
}

/**
 * Hybrid search: BM25 over FTS5 (case- and accent-folded) and k-nearest vectors, fused by
 * reciprocal rank fusion, which needs no score calibration between the two lists. When the
 * embedding model fails (engine crash, server down) a hybrid search answers with BM25 alone and
 * `degraded: 'vector_unavailable'`, rather than failing a chat over documents that words alone
 * still find. A `vector` search has nothing to fall back on: its failure is thrown, as is the
 * abort of `signal`. A `vector` search without an embedding model is the caller's mistake
 * (`invalid_request`), not an empty answer.
 */
export async function searchKnowledge(db: KnowledgeDb, options: SearchOptions): Promise<SearchResult> {
  const k = options.k ?? 8;
  const mode = options.mode ?? 'hybrid';
  const candidates = Math.max(options.candidates ?? 50, k * 2);
  const rrfK = options.rrfK ?? 60;
  const weight = mode === 'hybrid' ? Math.min(1, Math.max(0, options.vectorWeight ?? 0.5)) : mode === 'vector' ? 1 : 0;
  if (mode === 'vector' && options.embedder === null) {
    throw new FlambeauError(
      'invalid_request',
      'Vector search needs an embedding model, and none is configured (knowledge.embedding_model); use mode "hybrid" or "bm25".',
      { param: 'mode' },
    );
  }
  if (options.filters.collections.length === 0) return { hits: [], degraded: null, vectorWeight: 0 };
  // A hybrid search whose vectors weigh nothing is BM25: the embedder is not even asked.
  const withVectors = mode !== 'bm25' && options.embedder !== null && weight > 0;
  // Both lists: BM25 goes to the worker thread (when up) and runs while this thread scans vectors.
  const thread = mode === 'hybrid' && withVectors ? db.textSearchThread() : null;
  const offloaded = thread?.isReady === true ? thread.search(options.query, options.filters, candidates) : null;
  const text = mode === 'vector' || offloaded !== null ? [] : textHits(db, options.query, options.filters, candidates);
  const listed =
    withVectors && options.embedder !== null
      ? await vectorHits(db, options.embedder, options.query, options.filters, candidates, options.signal)
      : { hits: [] };
  if ('failure' in listed && mode === 'vector') throw listed.failure;
  const vector = 'failure' in listed ? [] : listed.hits;
  const degraded: SearchDegradation | null = 'failure' in listed ? 'vector_unavailable' : null;
  if (offloaded !== null) text.push(...((await offloaded) ?? textHits(db, options.query, options.filters, candidates)));
  const fused = new Map<number, Omit<SearchHit, 'chunk'>>();
  const entry = (id: number) => {
    let hit = fused.get(id);
    if (hit === undefined) fused.set(id, (hit = { score: 0, bm25Rank: null, vectorRank: null, bm25: null, distance: null, relevance: null }));
    return hit;
  };
  text.forEach((h, i) => Object.assign(entry(h.id), { bm25Rank: i + 1, bm25: h.score, relevance: h.relevance }));
  vector.forEach((h, i) => Object.assign(entry(h.id), { vectorRank: i + 1, distance: h.distance }));
  for (const hit of fused.values()) hit.score = fusedScore(hit.bm25Rank, hit.vectorRank, mode === 'bm25' ? 0 : weight, rrfK);
  // Ties (same fused score) go to the better single rank, then to the lower id: stable results.
  const order = [...fused.entries()]
    .sort(
      ([ia, a], [ib, b]) =>
        b.score - a.score || Math.min(a.bm25Rank ?? Infinity, a.vectorRank ?? Infinity) - Math.min(b.bm25Rank ?? Infinity, b.vectorRank ?? Infinity) || ia - ib,
    )
    .slice(0, k);
  const chunks = db.chunks(order.map(([id]) => id));
  const byId = new Map(chunks.map((c) => [c.id, c]));
  const hits = order.flatMap(([id, hit]) => {
    const chunk = byId.get(id);
    return chunk === undefined ? [] : [{ chunk, ...hit }];
  });
  return { hits, degraded, vectorWeight: withVectors && degraded === null ? weight : 0 };
}

/**
 * Weighted reciprocal rank fusion: 2·((1 − w)/(rrfK + BM25 rank) + w/(rrfK + vector rank)); with
 * w = 0.5 it is plain RRF, with w = 0 the BM25 order. A single list's search scores with its own term.
 */
export function fusedScore(bm25Rank: number | null, vectorRank: number | null, weight: number, rrfK: number): number {
  const text = bm25Rank === null ? 0 : 1 / (rrfK + bm25Rank);
  const vector = vectorRank === null ? 0 : 1 / (rrfK + vectorRank);
  if (weight >= 1) return vector;
  if (weight <= 0) return text;
  return 2 * ((1 - weight) * text + weight * vector);
}

type VectorList = { hits: Array<{ id: number; distance: number }> } | { failure: unknown };

/** The nearest chunks, or the embedding model's failure (an abort of `signal` is thrown, never listed). */
async function vectorHits(
  db: KnowledgeDb,
  embedder: Embedder,
  query: string,
  filters: SearchFilters,
  limit: number,
  signal?: AbortSignal,
): Promise<VectorList> {
  const spaces = db.vectorSpaces().filter((s) => s.model === embedder.model);
  if (spaces.length === 0 || query.trim() === '') return { hits: [] };
  let vector: Float32Array | undefined;
  try {
    [vector] = await embedder.embed([query], signal ?? new AbortController().signal);
  } catch (failure) {
    if (signal?.aborted === true) throw failure;
    return { failure };
  }
  const space = spaces.find((s) => s.dimensions === vector?.length);
  return { hits: vector === undefined || space === undefined ? [] : db.searchVectors(space, vector, filters, limit) };
}
