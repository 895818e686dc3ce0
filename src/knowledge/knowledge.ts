import type { ChatMessage } from '../providers/spec.js';
import type { Db } from '../store/store.js';
import { FlambeauError } from '../errors/index.js';
import type { ChunkInjection, ChunkScreen } from './chunk-injection.js';
import { KnowledgeDb, type CollectionInfo } from './db.js';
import type { SearchFilters } from './search-filters.js';
import type { Embedder } from './embedder.js';
import { searchKnowledge, type SearchDegradation, type SearchHit, type SearchMode, type SearchResult } from './hybrid-search.js';
import { ingest, type IngestOptions, type IngestReport } from './ingest.js';
import { buildKnowledgeContext, type KnowledgeContext } from './knowledge-context.js';
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
  /** Set when nothing was searched: the question has no letter or digit ("???"), so any chunk would be noise. */
  skipped: RetrievalSkip | null;
}

export type RetrievalSkip = 'no_search_terms';

type SearchCall = { k?: number; mode?: SearchMode; signal?: AbortSignal };

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
}

/**
 * The knowledge domain over the store's connection. `embedder` is the configured embedding
 * model (`knowledge.embedding_model`), or null for full-text search only.
 */
export function createKnowledge(deps: { db: Db; embedder: Embedder | null; screen?: ChunkScreen }): Knowledge {
  const db = new KnowledgeDb(deps.db);
  const { embedder } = deps;
  // Names and flags only: a chat or a search checks them on every request, the sizes are for listings.
  const known = (): Map<string, { shareable: boolean }> => db.collectionFlags();
  const search: Knowledge['search'] = (query, filters, options = {}) =>
    searchKnowledge(db, {
      query,
      filters,
      embedder,
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
      const { hits, degraded } = await search(
        query,
        { collections },
        { k: options.k ?? 8, ...(options.signal === undefined ? {} : { signal: options.signal }) },
      );
      return { query, hits, context: buildKnowledgeContext(hits, options.tokenBudget), shareable, degraded, skipped: null };
    },
    ingest: (options) => ingest({ ...(deps.screen === undefined ? {} : { screen: deps.screen }), ...options, db, embedder }),
    injectionScores: (chunkIds) => db.injection.scores(chunkIds),
    flaggedChunks: (threshold) => db.injection.flaggedCounts(threshold),
  };
}
