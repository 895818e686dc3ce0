import type { ChatMessage } from '../providers/spec.js';
import type { Db } from '../store/store.js';
import { FlambeauError } from '../errors/index.js';
import type { ChunkInjection, ChunkScreen } from './chunk-injection.js';
import { KnowledgeDb, type CollectionInfo } from './db.js';
import type { SearchFilters } from './search-filters.js';
import type { Embedder } from './embedder.js';
import { searchKnowledge, type SearchDegradation, type SearchHit, type SearchMode, type SearchResult } from './hybrid-search.js';
import { ingest, type IngestOptions, type IngestReport } from './ingest.js';
import { calibrateFusion, UNMEASURED_WEIGHT, type FusionCalibration } from './calibrate-fusion.js';
import { buildKnowledgeContext, type KnowledgeContext } from './knowledge-context.js';
import { aboveRelevanceFloor } from './relevance-floor.js';
import { rewriteQuery } from './rewrite-query.js';

export interface Retrieval {
  /** The query searched (the last user turn, rewritten with the conversation when there is history). */
  query: string;
  hits: SearchHit[];
  context: KnowledgeContext;
  /** True when every collection is marked shareable: the request may leave the device (privacy guard still runs). */
  shareable: boolean;
  /** Set when the search fell back to BM25 alone (the embedding model failed). */
  degraded: SearchDegradation | null;
  /**
   * Set when nothing is retrieved on purpose: the question has no letter or digit ("???"), or no
   * chunk matches it well enough; either way any chunk would be noise.
   */
  skipped: RetrievalSkip | null;
}

/**
 * Why nothing was retrieved: the question has no letter or digit (`no_search_terms`), or no chunk
 * matches it well enough (`no_relevant_chunks`: see aboveRelevanceFloor).
 */
export type RetrievalSkip = 'no_search_terms' | 'no_relevant_chunks';

/** `vectorWeight` overrides the collections' calibrated weight (see `vectorWeight`). */
type SearchCall = { k?: number; mode?: SearchMode; signal?: AbortSignal; vectorWeight?: number };

/** The fusion weight of collections never calibrated for the embedder (or too small to measure): plain RRF. */
export const UNCALIBRATED_VECTOR_WEIGHT = UNMEASURED_WEIGHT;

export interface Knowledge {
  readonly db: KnowledgeDb;
  readonly embedder: Embedder | null;
  /** With their sizes, counted: for listings. */
  collections(): CollectionInfo[];
  collectionNames(): string[];
  /** Throws `not_found` naming the collections that do not exist. */
  requireCollections(names: readonly string[]): void;
  /** True when every named collection exists and is marked shareable. */
  shareable(names: readonly string[]): boolean;
  setShareable(name: string, shareable: boolean): void;
  /** Stops the BM25 worker; call before closing the store that owns the connection. */
  close(): void;
  /** Hybrid search (see searchKnowledge): the hits, and whether it fell back to BM25 alone. */
  search(query: string, filters: SearchFilters, options?: SearchCall): Promise<SearchResult>;
  /** RAG for one chat: rewrite, hybrid search, then the delimited context within `tokenBudget`. */
  retrieve(
    messages: readonly ChatMessage[],
    collections: readonly string[],
    options: { tokenBudget: number; k?: number; signal?: AbortSignal },
  ): Promise<Retrieval>;
  /** Indexes files; chunks are scored for prompt injection when the knowledge was made with a `screen`. */
  ingest(options: Omit<IngestOptions, 'db' | 'embedder'>): Promise<IngestReport>;
  /** The injection scores stored at ingest for these chunks (absent: ingested before scores were kept). */
  injectionScores(chunkIds: readonly number[]): Map<number, ChunkInjection>;
  /** Chunks whose stored injection score is at or above `threshold`, by collection. */
  flaggedChunks(threshold: number): Map<string, number>;
  /**
   * Measures how much the embedder adds to BM25 on the collection (calibrateFusion) and stores
   * the weight hybrid search then uses for it. Throws `invalid_request` without an embedder,
   * `not_found` for an unknown collection.
   */
  calibrate(collection: string, signal?: AbortSignal): Promise<FusionCalibration>;
}

/**
 * The knowledge domain over the store's connection. `embedder` is the configured embedding
 * model (`knowledge.embedding_model`), or null for full-text search only.
 */
export function createKnowledge(deps: { db: Db; embedder: Embedder | null; screen?: ChunkScreen }): Knowledge {
  const db = new KnowledgeDb(deps.db);
  // Chunks indexed before the stemmed index (migration 15) join it now, once.
  db.indexPendingStems();
  const { embedder } = deps;
  // Names and flags only: a chat or a search checks them on every request, the sizes are for listings.
  const known = (): Map<string, { shareable: boolean }> => db.collectionFlags();
  /**
   * The vector weight for a search of these collections: the lowest calibrated one (a collection
   * where vectors do not help pulls the fusion to BM25); plain RRF when none was calibrated for
   * this embedder.
   */
  const vectorWeight = (collections: readonly string[]): number => {
    if (embedder === null) return 0;
    const weights = collections.map((c) => db.vectorWeight(c)).filter((w) => w !== null && w.model === embedder.model);
    return weights.length === 0 ? UNCALIBRATED_VECTOR_WEIGHT : Math.min(...weights.map((w) => w?.weight ?? 0));
  };
  const search: Knowledge['search'] = (query, filters, options = {}) =>
    searchKnowledge(db, {
      query,
      filters,
      embedder,
      vectorWeight: options.vectorWeight ?? vectorWeight(filters.collections),
      ...(options.k === undefined ? {} : { k: options.k }),
      ...(options.mode === undefined ? {} : { mode: options.mode }),
      ...(options.signal === undefined ? {} : { signal: options.signal }),
    });
  return {
    db,
    embedder,
    collections: () => db.collections(),
    collectionNames: () => [...db.collectionFlags().keys()],
    requireCollections(names) {
      const all = known();
      const missing = names.filter((n) => !all.has(n));
      if (missing.length > 0) {
        throw new FlambeauError(
          'not_found',
          `No knowledge collection named ${missing.map((m) => `\`${m}\``).join(', ')}; ingest documents with \`flambeau ingest PATH --collection NAME\`.`,
          { details: { collections: missing } },
        );
      }
    },
    shareable(names) {
      const all = known();
      return names.every((n) => all.get(n)?.shareable === true);
    },
    setShareable: (name, shareable) => db.setShareable(name, shareable),
    close: () => db.close(),
    search,
    async retrieve(messages, collections, options) {
      this.requireCollections(collections);
      const query = rewriteQuery(messages);
      const shareable = this.shareable(collections);
      if (!/[\p{L}\p{N}]/u.test(query))
        return { query, hits: [], context: buildKnowledgeContext([], options.tokenBudget), shareable, degraded: null, skipped: 'no_search_terms' };
      const found = await search(query, { collections }, { k: options.k ?? 8, ...(options.signal === undefined ? {} : { signal: options.signal }) });
      // A weak question gets fewer chunks, or none (said so), rather than k chunks of noise.
      const hits = aboveRelevanceFloor(found.hits, found.vectorWeight);
      const skipped: RetrievalSkip | null = hits.length === 0 && found.hits.length > 0 ? 'no_relevant_chunks' : null;
      return { query, hits, context: buildKnowledgeContext(hits, options.tokenBudget), shareable, degraded: found.degraded, skipped };
    },
    ingest: (options) => ingest({ ...(deps.screen === undefined ? {} : { screen: deps.screen }), ...options, db, embedder }),
    injectionScores: (chunkIds) => db.injection.scores(chunkIds),
    flaggedChunks: (threshold) => db.injection.flaggedCounts(threshold),
    async calibrate(collection, signal) {
      this.requireCollections([collection]);
      if (embedder === null)
        throw new FlambeauError(
          'invalid_request',
          'Calibration measures the embedding model against BM25, and none is configured (knowledge.embedding_model).',
        );
      const result = await calibrateFusion(db, embedder, collection, signal ?? new AbortController().signal);
      if (result.measured) db.setVectorWeight(collection, result.weight, embedder.model);
      return result;
    },
  };
}
