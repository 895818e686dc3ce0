import { createHash } from 'node:crypto';
import * as sqliteVec from 'sqlite-vec';
import { FlambeauError } from '../errors/index.js';
import type { Statement } from 'better-sqlite3';
import type { Db } from '../store/store.js';
import { BinaryVectorIndex, cosineDistance, floats } from './binary-vector-index.js';
import { ChunkInjectionTable, type ChunkInjection } from './chunk-injection.js';
import type { DocumentChunk } from './chunk-document.js';
import type { SearchFilters } from './search-filters.js';
import { UNDETERMINED, type ChunkLanguage } from './languages.js';
import { chunkLanguages, collectionLanguages, deleteStems, indexPendingStems, insertStems, mainLanguage, type StemSource } from './stem-index.js';
import { StemPostings } from './stem-postings.js';
import { startTextSearchThread, type TextSearchThread } from './text-search-thread.js';

export interface StoredChunk {
  id: number;
  collection: string;
  path: string;
  docIndex: number;
  seq: number;
  title: string | null;
  heading: string | null;
  page: number | null;
  start: number;
  end: number;
  docDate: number;
  mtime: number;
  sender: string | null;
  subject: string | null;
  text: string;
}

export interface FileRow {
  id: number;
  path: string;
  hash: string;
  size: number;
  mtime: number;
  embedSpace: string | null;
}

export interface CollectionInfo {
  name: string;
  shareable: boolean;
  files: number;
  documents: number;
  chunks: number;
  bytes: number;
  createdAt: number;
  lastIngestAt: number | null;
  /** Hybrid search's vector weight, as calibration measured it for `vectorWeightModel`; null: never measured. */
  vectorWeight: number | null;
  vectorWeightModel: string | null;
}

/** A document's chunks as the ingest runner hands them over, with the document's fields. */
export interface DocumentRecord {
  title?: string;
  sender?: string;
  subject?: string;
  date: number;
  chunks: DocumentChunk[];
  /** Each chunk's injection score (same order as `chunks`), when the ingest scanned them. */
  injection?: ChunkInjection[];
}

export interface FileRecord {
  collection: string;
  /** The file's path, or "MAILBOX#<hash>" for one message of a mailbox (see `partOf`). */
  path: string;
  hash: string;
  size: number;
  mtime: number;
  documents: DocumentRecord[];
  /** One vector per chunk, in document then chunk order; null when there is no embedding model. */
  vectors: { space: VectorSpace; values: Float32Array[] } | null;
  /**
   * The space the file was embedded for when it has no vectors to show it (no text, or a
   * mailbox's own row): an unchanged file is then skipped next time, not embedded again.
   */
  space?: VectorSpace;
  /** For one message of a mailbox: the mailbox's path, which its chunks carry and cite. */
  partOf?: string;
  /** The first document's number within the file (a message's place in its mailbox). */
  firstDocIndex?: number;
}

export interface VectorSpace {
  id: string;
  model: string;
  dimensions: number;
  table: string;
}

const loaded = new WeakSet<Db>();

/** FTS5 bm25() column weights of the exact index: text, heading, title (a heading or title word counts half). */
const BM25_WEIGHTS = [1.0, 0.5, 0.5] as const;
/**
 * Column weights of the stemmed index (BM25F-style boosts): a word of the chunk's heading or of
 * its document's title says more about the chunk than one of its text (tuned on bench/retrieval).
 */
export const STEM_BM25_WEIGHTS = [1.0, 2.0, 1.5] as const;

/** Which FTS5 table a BM25 query runs on: the exact index, or one collection's stemmed index. */
export interface TextIndex {
  table: string;
  weights: readonly number[];
  /** The collection whose stemmed table this is; undefined for the exact index (all collections). */
  collection?: string;
}
export const EXACT_INDEX: TextIndex = { table: 'knowledge_fts', weights: BM25_WEIGHTS };

/**
 * Above this many vectors in a space, search scans the in-memory 1-bit index and re-scores the
 * best candidates exactly; below it sqlite-vec's exact scan is fast enough (< 10 ms) and exact.
 */
/** The letters the FTS index spells out (store/migrations.ts, migration 11): queries fold the same way. */
export { INDEX_FOLDS } from '../store/migrations.js';

export const APPROXIMATE_VECTOR_SEARCH_FROM = 20_000;
/** Candidates re-scored exactly from the stored vectors (0.8 ms for 400 at 384 dimensions). */
const RESCORE = 400;
/**
 * The Hamming scan keeps this many times the candidates to re-score, then ranks them by the
 * asymmetric estimate (float query against sign bits). On random 384-dimension vectors, the
 * worst case for sign bits, recall@10 against the exact scan goes from 0.66 to 0.91 for ~1 ms.
 */
const ESTIMATE_POOL = 10;

/**
 * Per connection, not per KnowledgeDb: several instances may share one connection. `writes`
 * counts writes through this process; PRAGMA data_version moves when another connection (a CLI
 * ingest next to the server) commits. Together they tell when cached state is stale.
 */
interface ConnectionCache {
  writes: number;
  vectorIndexes: Map<string, VectorIndexState>;
  chunkCount: { stamp: string; count: number } | null;
  /** Per FTS5 table: document frequencies of the terms looked up since `stamp` (fts5vocab reads a term's whole posting list). */
  termDocuments: Map<string, { stamp: string; documents: Map<string, number> }>;
  /** Per collection: its main language, and the write count when it was looked up. */
  mainLanguages: Map<string, { language: ChunkLanguage; at: number }>;
  /** Per collection: chunk count at a stamp, and languages as counted when it had `countedAt` chunks. */
  collectionStats: Map<string, { stamp: string; count: number; languages: ChunkLanguage[]; countedAt: number }>;
  /**
   * Per stemmed table: its posting lists in memory (see rankInMemory) for the snapshot `stamp`;
   * null until a second search sees the same snapshot.
   */
  postings: Map<string, { stamp: string; postings: StemPostings | null }>;
  /** Per FTS5 table: each term's best score alone (see termBounds) since `stamp`. */
  termBounds: Map<string, { stamp: string; bounds: Map<string, number> }>;
  /** Statements of the search path by SQL text, prepared once per connection (see #prepared). */
  statements: Map<string, Statement>;
  /** The BM25 worker of this connection: undefined until first asked for, null when it cannot run. */
  textThread: TextSearchThread | null | undefined;
  /** Spaces whose plain vector copy was checked complete (see #copyVectors). */
  copiedSpaces: Set<string>;
}
const caches = new WeakMap<Db, ConnectionCache>();

/**
 * A space's vector count at `stamp`, and its 1-bit index once built (large spaces only) with the
 * last knowledge_vector_log entry it reflects.
 */
interface VectorIndexState {
  stamp: string;
  count: number;
  index: BinaryVectorIndex | null;
  seq: number;
}

/** Change in a collection's chunk count (a share) after which its languages are counted again. */
const LANGUAGES_RECOUNT_CHANGE = 0.1;

/** The stemmed tables' columns, in order (see stem-index.ts). */
const STEM_COLUMNS = ['text', 'heading', 'title'] as const;
/** Postings held in memory per stemmed table (8 bytes each): 16 MB. */
const MAX_POSTINGS = 2_000_000;

/** Prepared statements kept per connection. */
const MAX_STATEMENTS = 200;

/** Files written between two looks at a collection's main language. */
const MAIN_LANGUAGE_EVERY = 100;

/** Log entries kept after an ingest; an index further behind than that is rebuilt. */
const VECTOR_LOG_KEEP = 200_000;

/** Loads sqlite-vec into a connection once (its npm package ships the binary for this platform). */
export function loadVectorExtension(db: Db): void {
  if (loaded.has(db)) return;
  try {
    sqliteVec.load(db);
  } catch (error) {
    throw new FlambeauError('internal', `cannot load the sqlite-vec extension: ${(error as Error).message}`, { cause: error });
  }
  loaded.add(db);
}

/** The knowledge tables (migration 6, plus one sqlite-vec table per vector space). */
export class KnowledgeDb {
  readonly #cache: ConnectionCache;
  #injection: ChunkInjectionTable | undefined;
  readonly #approximateFrom: number;
  readonly #textThread: boolean;
  readonly #postingsInMemory: boolean;

  /**
   * `approximateFrom`: vectors in a space from which search uses the 1-bit index (tests lower it).
   * `textThread` (default true): hybrid search may run BM25 on a worker thread beside the vector search.
   * `postingsInMemory` (default true): large collections' BM25 may rank from posting lists kept in
   * memory (see rankInMemory); tests turn it off to exercise the FTS5 paths.
   */
  constructor(
    readonly db: Db,
    options: { approximateFrom?: number; textThread?: boolean; postingsInMemory?: boolean } = {},
  ) {
    this.#approximateFrom = options.approximateFrom ?? APPROXIMATE_VECTOR_SEARCH_FROM;
    this.#textThread = options.textThread ?? true;
    this.#postingsInMemory = options.postingsInMemory ?? true;
    loadVectorExtension(db);
    let cache = caches.get(db);
    if (cache === undefined)
      caches.set(
        db,
        (cache = {
          writes: 0,
          vectorIndexes: new Map(),
          chunkCount: null,
          termDocuments: new Map(),
          mainLanguages: new Map(),
          collectionStats: new Map(),
          statements: new Map(),
          termBounds: new Map(),
          postings: new Map(),
          textThread: undefined,
          copiedSpaces: new Set(),
        }),
      );
    this.#cache = cache;
  }

  /**
   * A statement of the search path, prepared once per connection: compiling an FTS5 query costs
   * about as much as running a small one. Bounded (filters and tables make new texts).
   */
  #prepared(sql: string): Statement {
    let statement = this.#cache.statements.get(sql);
    if (statement === undefined) {
      if (this.#cache.statements.size >= MAX_STATEMENTS) this.#cache.statements.clear();
      statement = this.db.prepare(sql);
      this.#cache.statements.set(sql, statement);
    }
    return statement;
  }

  #stamp(): string {
    return `${this.#cache.writes}:${String(this.db.pragma('data_version', { simple: true }))}`;
  }

  /**
   * The connection's BM25 worker, started on first call (it is ready a few hundred ms later); null
   * when disabled, for an in-memory or non-WAL database, or once it failed. One per connection,
   * shared by every KnowledgeDb over it; `close()` stops it (the worker is unref'd meanwhile, so
   * it never keeps a process alive).
   */
  textSearchThread(): TextSearchThread | null {
    if (!this.#textThread || !this.db.open) return null;
    if (this.#cache.textThread === undefined) {
      this.#cache.textThread = startTextSearchThread(this.db);
    }
    return this.#cache.textThread;
  }

  /** Stops the connection's BM25 worker (the connection itself stays open; the store owns it). */
  close(): void {
    this.#cache.textThread?.close();
    this.#cache.textThread = null;
  }

  /** Runs reads in one snapshot: a commit from another connection cannot land between them. */
  reading<T>(read: () => T): T {
    return this.db.transaction(read)();
  }

  ensureCollection(name: string, now: number): void {
    this.db.prepare('INSERT INTO knowledge_collections (name, created_at) VALUES (?, ?) ON CONFLICT (name) DO NOTHING').run(name, now);
  }

  setShareable(name: string, shareable: boolean): void {
    this.db.prepare('UPDATE knowledge_collections SET shareable = ? WHERE name = ?').run(shareable ? 1 : 0, name);
  }

  markIngested(name: string, now: number): void {
    this.db.prepare('UPDATE knowledge_collections SET last_ingest_at = ? WHERE name = ?').run(now, name);
    this.db.prepare('DELETE FROM knowledge_vector_log WHERE seq <= (SELECT MAX(seq) FROM knowledge_vector_log) - ?').run(VECTOR_LOG_KEEP);
  }

  /** Every collection's name and whether it is shareable: what requests check, without the sizes' counting. */
  collectionFlags(): Map<string, { shareable: boolean }> {
    const rows = this.db.prepare('SELECT name, shareable FROM knowledge_collections').all() as Array<{ name: string; shareable: number }>;
    return new Map(rows.map((r) => [r.name, { shareable: r.shareable === 1 }]));
  }

  /** Every collection with its sizes (files, documents, chunks, bytes of source files): counts every chunk, for listings. */
  collections(): CollectionInfo[] {
    // A mailbox's messages are rows of their own (part_of set): they count as documents, not files.
    const rows = this.db
      .prepare(
        `SELECT c.name, c.shareable, c.created_at AS createdAt, c.last_ingest_at AS lastIngestAt,
                c.vector_weight AS vectorWeight, c.vector_weight_model AS vectorWeightModel,
                COUNT(f.id) - COUNT(f.part_of) AS files, COALESCE(SUM(f.documents), 0) AS documents, COALESCE(SUM(f.size), 0) AS bytes,
                (SELECT COUNT(*) FROM knowledge_chunks k WHERE k.collection = c.name) AS chunks
         FROM knowledge_collections c LEFT JOIN knowledge_files f ON f.collection = c.name
         GROUP BY c.name ORDER BY c.name`,
      )
      .all() as Array<Omit<CollectionInfo, 'shareable'> & { shareable: number }>;
    return rows.map((r) => ({ ...r, shareable: r.shareable === 1 }));
  }

  /**
   * The embedding models each collection's vectors were made with, by collection (collections
   * indexed for full-text only are absent). A search embeds its query with the server's model and
   * reads only that model's vectors, so a collection made with another one needs a new ingest.
   */
  embeddingModels(): Map<string, string[]> {
    const rows = this.db
      .prepare(
        'SELECT DISTINCT f.collection, s.model FROM knowledge_files f JOIN knowledge_vector_spaces s ON s.id = f.embed_space ORDER BY f.collection, s.model',
      )
      .all() as Array<{ collection: string; model: string }>;
    const models = new Map<string, string[]>();
    for (const row of rows) models.set(row.collection, [...(models.get(row.collection) ?? []), row.model]);
    return models;
  }

  file(collection: string, path: string): FileRow | undefined {
    return this.db
      .prepare('SELECT id, path, hash, size, mtime, embed_space AS embedSpace FROM knowledge_files WHERE collection = ? AND path = ?')
      .get(collection, path) as FileRow | undefined;
  }

  /** Files of a collection at `root` or below it, case-sensitive (a mailbox's messages are not files: see `partsOf`). */
  filesUnder(collection: string, root: string): FileRow[] {
    const folder = root.endsWith('/') ? root : `${root}/`;
    return this.db
      .prepare(
        'SELECT id, path, hash, size, mtime, embed_space AS embedSpace FROM knowledge_files WHERE collection = ? AND part_of IS NULL AND (path = ? OR path GLOB ?)',
      )
      .all(collection, root, `${escapeGlob(folder)}*`) as FileRow[];
  }

  /** Moves unchanged messages to their place in the mailbox now (mails before them were deleted). */
  renumberParts(parts: ReadonlyArray<{ id: number; docIndex: number }>): void {
    if (parts.length === 0) return;
    const update = this.db.prepare('UPDATE knowledge_chunks SET doc_index = ? WHERE file_id = ? AND doc_index != ?');
    this.db.transaction(() => {
      for (const { id, docIndex } of parts) update.run(docIndex, id, docIndex);
    })();
  }

  /** The message rows of a mailbox. */
  partsOf(collection: string, path: string): FileRow[] {
    return this.db
      .prepare('SELECT id, path, hash, size, mtime, embed_space AS embedSpace FROM knowledge_files WHERE collection = ? AND part_of = ?')
      .all(collection, path) as FileRow[];
  }

  touchFile(id: number, mtime: number): void {
    this.db.prepare('UPDATE knowledge_files SET mtime = ? WHERE id = ?').run(mtime, id);
  }

  /** Replaces a file's chunks and vectors in one transaction: a crash leaves the old state or the new. */
  writeFile(record: FileRecord, now: number): number {
    this.#cache.writes += 1;
    return this.db.transaction(() => {
      const existing = this.file(record.collection, record.path);
      if (existing !== undefined) this.#deleteFile(existing.id);
      const { lastInsertRowid } = this.db
        .prepare(
          'INSERT INTO knowledge_files (collection, path, hash, size, mtime, embed_space, documents, ingested_at, part_of) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
        )
        .run(
          record.collection,
          record.path,
          record.hash,
          record.size,
          record.mtime,
          record.vectors?.space.id ?? record.space?.id ?? null,
          record.documents.length,
          now,
          record.partOf ?? null,
        );
      const chunkPath = record.partOf ?? record.path;
      const firstDocIndex = record.firstDocIndex ?? 0;
      const fileId = Number(lastInsertRowid);
      const insert = this.db.prepare(
        `INSERT INTO knowledge_chunks (file_id, collection, path, doc_index, seq, title, heading, page, start_offset, end_offset, doc_date, sender, subject, text, lang)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      );
      const insertVector =
        record.vectors === null ? null : this.db.prepare(`INSERT INTO ${record.vectors.space.table} (rowid, embedding, collection) VALUES (?, ?, ?)`);
      const insertPlain = this.db.prepare('INSERT INTO knowledge_vectors (chunk_id, space, collection, embedding) VALUES (?, ?, ?, ?)');
      let n = 0;
      const stems: Array<StemSource & { lang: ChunkLanguage }> = [];
      record.documents.forEach((doc, docIndex) => {
        const langs = chunkLanguages(
          doc.chunks.map((c) => ({ text: c.text })),
          this.#mainLanguage(record.collection),
        );
        doc.chunks.forEach((chunk, seq) => {
          const lang = langs[seq] ?? UNDETERMINED;
          const { lastInsertRowid: chunkId } = insert.run(
            fileId,
            record.collection,
            chunkPath,
            firstDocIndex + docIndex,
            seq,
            doc.title ?? null,
            chunk.heading ?? null,
            chunk.page ?? null,
            chunk.start,
            chunk.end,
            doc.date,
            doc.sender ?? null,
            doc.subject ?? null,
            chunk.text,
            lang,
          );
          const injection = doc.injection?.[seq];
          if (injection !== undefined) this.injection.write(chunkId, record.collection, injection);
          stems.push({ id: Number(chunkId), text: chunk.text, heading: chunk.heading ?? null, title: doc.title ?? null, lang });
          const vector = record.vectors?.values[n];
          if (insertVector !== null && vector !== undefined && record.vectors !== null) {
            insertVector.run(BigInt(chunkId), vectorBlob(vector), record.collection);
            insertPlain.run(chunkId, record.vectors.space.id, record.collection, vectorBlob(vector));
          }
          n += 1;
        });
      });
      insertStems(this.db, record.collection, stems);
      return fileId;
    })();
  }

  /** Chunks' injection scores kept at ingest (migration 14's table). */
  get injection(): ChunkInjectionTable {
    return (this.#injection ??= new ChunkInjectionTable(this.db));
  }

  /** Removes a file, and a mailbox's messages with it. */
  removeFile(id: number): void {
    this.#cache.writes += 1;
    this.db.transaction(() => {
      const parts = this.db
        .prepare('SELECT p.id FROM knowledge_files f JOIN knowledge_files p ON p.collection = f.collection AND p.part_of = f.path WHERE f.id = ?')
        .pluck()
        .all(id) as number[];
      for (const part of parts) this.#deleteFile(part);
      this.#deleteFile(id);
    })();
  }

  #deleteFile(id: number): void {
    const collection = this.db.prepare('SELECT collection FROM knowledge_files WHERE id = ?').pluck().get(id) as string | undefined;
    if (collection !== undefined) deleteStems(this.db, collection, id);
    for (const space of this.vectorSpaces()) {
      this.db.prepare(`DELETE FROM ${space.table} WHERE rowid IN (SELECT id FROM knowledge_chunks WHERE file_id = ?)`).run(id);
    }
    this.db.prepare('DELETE FROM knowledge_vectors WHERE chunk_id IN (SELECT id FROM knowledge_chunks WHERE file_id = ?)').run(id);
    this.db.prepare('DELETE FROM knowledge_chunks WHERE file_id = ?').run(id);
    this.db.prepare('DELETE FROM knowledge_files WHERE id = ?').run(id);
  }

  vectorSpaces(): VectorSpace[] {
    const rows = this.db.prepare('SELECT id, model, dimensions FROM knowledge_vector_spaces').all() as Array<Omit<VectorSpace, 'table'>>;
    return rows.map((r) => ({ ...r, table: `knowledge_vec_${r.id}` }));
  }

  /** The vector space of a model and width; its sqlite-vec table is made on first use. */
  vectorSpace(model: string, dimensions: number, now: number): VectorSpace {
    if (!Number.isInteger(dimensions) || dimensions <= 0) throw new FlambeauError('internal', `embedding width must be a positive integer, got ${dimensions}.`);
    const id = createHash('sha256').update(`${model}\0${dimensions}`).digest('hex').slice(0, 12);
    const table = `knowledge_vec_${id}`;
    this.db.transaction(() => {
      this.db
        .prepare('INSERT INTO knowledge_vector_spaces (id, model, dimensions, created_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING')
        .run(id, model, dimensions, now);
      // Cosine distance: embedding models are trained for it, and the vectors need no normalising.
      this.db.exec(
        `CREATE VIRTUAL TABLE IF NOT EXISTS ${table} USING vec0 (embedding float[${dimensions}] distance_metric=cosine, collection text partition key)`,
      );
    })();
    return { id, model, dimensions, table };
  }

  /**
   * BM25 scores (FTS5's bm25(): negative, lower is better; best first) of chunks matching an FTS5
   * query under the filters. FTS5 ranks and cuts its own list before the join, so only the best
   * few rows are joined and filtered; when the filters then leave too few, it runs again uncut.
   * `bm25()` in the select list, not `ORDER BY rank`: FTS5's rank path costs ~40% more per row.
   * `exact`: quoted phrases the chunks must hold word for word (the exact index). `within`: a
   * query on the same table that picks the rows to score (bm25() is most of the cost per row; a
   * row it does not pick is never scored), so its words may repeat without counting twice.
   */
  searchText(
    match: string,
    filters: SearchFilters,
    limit: number,
    index: TextIndex = EXACT_INDEX,
    exact?: string,
    within?: string,
  ): Array<{ id: number; score: number }> {
    const where = filterSql(filters, 'c');
    // `+rowid`: a filter on the rows the MATCH yields. Without the +, SQLite may instead walk the
    // subquery's rows and look each one up in the ranked table, which took seconds for a phrase
    // of common words.
    const phrase = exact === undefined ? '' : 'AND +rowid IN (SELECT rowid FROM knowledge_fts WHERE knowledge_fts MATCH ?)';
    const picked = within === undefined ? '' : `AND +rowid IN (SELECT rowid FROM ${index.table} WHERE ${index.table} MATCH ?)`;
    const statement = this.#prepared(
      `SELECT c.id AS id, f.score AS score, (${where.sql}) AS kept
       FROM (SELECT rowid, bm25(${index.table}, ${index.weights.join(', ')}) AS score FROM ${index.table} WHERE ${index.table} MATCH ? ${phrase} ${picked}
             ORDER BY score, rowid LIMIT ?) f
       JOIN knowledge_chunks c ON c.id = f.rowid ORDER BY f.score, c.id`,
    );
    const fetch = limit * 4;
    const run = (cut: number) =>
      statement.all(...where.params, match, ...(exact === undefined ? [] : [exact]), ...(within === undefined ? [] : [within]), cut) as Array<{
        id: number;
        score: number;
        kept: number;
      }>;
    let rows = run(fetch);
    // The cut was reached and the filters left too few: the rest may hold more matches.
    const kept = () => rows.filter((r) => r.kept === 1);
    if (rows.length === fetch && kept().length < limit) rows = run(-1);
    return kept()
      .slice(0, limit)
      .map(({ id, score }) => ({ id, score }));
  }

  /**
   * Document frequency (chunks containing it) of each folded term, from FTS5's own vocabulary,
   * and the number of chunks: lets a query drop words that nearly every chunk contains.
   */
  termFrequencies(terms: readonly string[], index: TextIndex = EXACT_INDEX): { chunks: number; documents: Map<string, number> } {
    const stamp = this.#stamp();
    let cached = this.#cache.termDocuments.get(index.table);
    // Bounded: a long-running server sees many distinct words between two writes.
    if (cached?.stamp !== stamp || cached.documents.size > 50_000) this.#cache.termDocuments.set(index.table, (cached = { stamp, documents: new Map() }));
    const known = cached.documents;
    const missing = terms.filter((t) => !known.has(t));
    if (missing.length > 0) {
      // Made on every miss, not remembered: a failed read's rollback takes a temp table with it.
      const vocabulary = `temp.${index.table}_terms`;
      this.db.exec(`CREATE VIRTUAL TABLE IF NOT EXISTS ${vocabulary} USING fts5vocab(main, ${index.table}, row)`);
      const lookup = this.#prepared(`SELECT doc FROM ${vocabulary} WHERE term = ?`).pluck();
      for (const t of missing) known.set(t, (lookup.get(t) as number | undefined) ?? 0);
    }
    const documents = new Map(terms.map((t) => [t, known.get(t) ?? 0]));
    if (index.collection !== undefined) return { chunks: this.collectionStats(index.collection).count, documents };
    if (this.#cache.chunkCount?.stamp !== stamp)
      this.#cache.chunkCount = { stamp, count: this.#prepared('SELECT COUNT(*) FROM knowledge_chunks').pluck().get() as number };
    return { chunks: this.#cache.chunkCount.count, documents };
  }

  /**
   * The `limit` best chunks of a stemmed table for an OR of `terms`, scored in memory exactly as
   * FTS5's bm25() scores them (see StemPostings), or null: not a stemmed table, or the snapshot
   * is new. Its posting lists are read on the second search that sees a snapshot, not the first:
   * while an ingest commits file after file, every search would pay the load (~30 ms per 100k
   * chunks, then ~1 ms per 1,000 chunks of each new term) and FTS5 answers it instead.
   */
  rankInMemory(index: TextIndex, terms: readonly string[], limit: number): Array<{ id: number; score: number }> | null {
    if (index.collection === undefined || !this.#postingsInMemory) return null;
    const stamp = this.#stamp();
    const known = this.#cache.postings.get(index.table);
    if (known?.stamp !== stamp) {
      this.#cache.postings.set(index.table, { stamp, postings: null });
      return null;
    }
    known.postings ??= StemPostings.load(this.db, index.table, STEM_COLUMNS, index.weights, MAX_POSTINGS);
    return known.postings?.top(terms, limit) ?? null;
  }

  /**
   * The best score (as a positive number) each term reaches alone in the index: a bound on its
   * share of any chunk's score in any query of that index, for FTS5's bm25() is a sum of one term
   * per phrase that does not depend on the others. Costs scoring the term's every chunk once, so
   * it is kept until the next write (common words, the ones asked about, recur across queries).
   */
  termBounds(terms: readonly string[], index: TextIndex): Map<string, number> {
    const stamp = this.#stamp();
    let cached = this.#cache.termBounds.get(index.table);
    if (cached?.stamp !== stamp || cached.bounds.size > 10_000) this.#cache.termBounds.set(index.table, (cached = { stamp, bounds: new Map() }));
    const known = cached.bounds;
    const best = this.#prepared(
      `SELECT -bm25(${index.table}, ${index.weights.join(', ')}) AS best FROM ${index.table} WHERE ${index.table} MATCH ? ORDER BY best DESC LIMIT 1`,
    ).pluck();
    for (const term of terms) if (!known.has(term)) known.set(term, (best.get(`"${term}"`) as number | undefined) ?? 0);
    return new Map(terms.map((t) => [t, known.get(t) ?? 0]));
  }

  /**
   * The collection's main language for chunks whose own words do not tell (see chunkLanguages):
   * looked up again every MAIN_LANGUAGE_EVERY files written, not on every one (a GROUP BY).
   */
  #mainLanguage(collection: string): ChunkLanguage {
    const known = this.#cache.mainLanguages.get(collection);
    // Not known yet (a new collection's first files): asked again soon, not after MAIN_LANGUAGE_EVERY files.
    const every = known?.language === UNDETERMINED ? 1 : MAIN_LANGUAGE_EVERY;
    if (known !== undefined && this.#cache.writes - known.at < every) return known.language;
    const language = mainLanguage(this.db, collection);
    this.#cache.mainLanguages.set(collection, { language, at: this.#cache.writes });
    return language;
  }

  /**
   * A collection's chunk count, cached until the next write, and main languages (see
   * collectionLanguages): those are counted again only once the collection grew or shrank by
   * LANGUAGES_RECOUNT_CHANGE since (a GROUP BY over its chunks; a few files more do not move them).
   */
  collectionStats(collection: string): { count: number; languages: ChunkLanguage[] } {
    const stamp = this.#stamp();
    const known = this.#cache.collectionStats.get(collection);
    if (known?.stamp === stamp) return { count: known.count, languages: known.languages };
    const count = this.#prepared('SELECT COUNT(*) FROM knowledge_chunks WHERE collection = ?').pluck().get(collection) as number;
    const stats =
      known === undefined || Math.abs(count - known.countedAt) > known.countedAt * LANGUAGES_RECOUNT_CHANGE
        ? { stamp, count, languages: collectionLanguages(this.db, collection), countedAt: count }
        : { ...known, stamp, count };
    this.#cache.collectionStats.set(collection, stats);
    return { count, languages: stats.languages };
  }

  /**
   * Puts chunks written before the stemmed index existed (migration 15) into it; returns how
   * many. The knowledge domain runs it when it opens: a few seconds per 100k chunks, once.
   */
  indexPendingStems(): number {
    const done = indexPendingStems(this.db);
    if (done > 0) this.#cache.writes += 1;
    return done;
  }

  /** The fusion weight of a collection's vector list and the embedding model it was measured with (null: never measured). */
  vectorWeight(collection: string): { weight: number; model: string } | null {
    const row = this.db.prepare('SELECT vector_weight AS weight, vector_weight_model AS model FROM knowledge_collections WHERE name = ?').get(collection) as
      { weight: number | null; model: string | null } | undefined;
    return row?.weight == null || row.model == null ? null : { weight: row.weight, model: row.model };
  }

  setVectorWeight(collection: string, weight: number, model: string): void {
    this.db.prepare('UPDATE knowledge_collections SET vector_weight = ?, vector_weight_model = ? WHERE name = ?').run(weight, model, collection);
  }

  /**
   * Nearest chunks by cosine distance (best first). Large spaces: a Hamming scan of the
   * in-memory 1-bit index (restricted to the collections), its best ranked again by the
   * asymmetric estimate, the other filters on those candidates, then an exact re-score of the
   * best RESCORE from the stored vectors. Small ones: exact.
   */
  searchVectors(space: VectorSpace, vector: Float32Array, filters: SearchFilters, limit: number): Array<{ id: number; distance: number }> {
    const index = this.#vectorIndex(space);
    if (index === null) return this.searchVectorsExact(space, vector, filters, limit);
    const rescore = Math.max(RESCORE, limit * 4);
    // Other filters may reject most candidates: take a wider pool before applying them.
    const candidates = isNarrowed(filters) ? Math.max(rescore * 10, 4096) : rescore;
    let ids = index.nearest(vector, filters.collections, candidates, candidates * ESTIMATE_POOL);
    if (isNarrowed(filters) && ids.length > 0) {
      const where = filterSql(filters, 'c');
      const kept = new Set(
        this.db
          .prepare(`SELECT c.id FROM knowledge_chunks c WHERE c.id IN (SELECT value FROM json_each(?)) AND ${where.sql}`)
          .pluck()
          .all(JSON.stringify(ids), ...where.params) as number[],
      );
      ids = ids.filter((id) => kept.has(id));
    }
    // Filters that kept too few of a full candidate pool: the matches lie further out.
    if (isNarrowed(filters) && ids.length < limit && index.size > candidates) return this.#scanFiltered(space, vector, filters, limit);
    const rows = this.db
      .prepare('SELECT chunk_id AS id, embedding FROM knowledge_vectors WHERE chunk_id IN (SELECT value FROM json_each(?))')
      .all(JSON.stringify(ids.slice(0, rescore))) as Array<{ id: number; embedding: Buffer }>;
    const hits = rows.map((r) => ({ id: r.id, distance: cosineDistance(vector, floats(r.embedding, space.dimensions)) }));
    return hits.sort((a, b) => a.distance - b.distance || a.id - b.id).slice(0, limit);
  }

  /**
   * Exact distances to every vector that passes the filters: the fallback when a narrow filter
   * (one sender, one folder) leaves too few of the nearest candidates. Its cost is the filtered
   * set's, which is small exactly when this runs.
   */
  #scanFiltered(space: VectorSpace, vector: Float32Array, filters: SearchFilters, limit: number): Array<{ id: number; distance: number }> {
    this.#copyVectors(space);
    const where = filterSql(filters, 'c');
    const rows = this.db
      .prepare(`SELECT v.chunk_id AS id, v.embedding FROM knowledge_vectors v JOIN knowledge_chunks c ON c.id = v.chunk_id WHERE v.space = ? AND ${where.sql}`)
      .iterate(space.id, ...where.params) as Iterable<{ id: number; embedding: Buffer }>;
    const hits: Array<{ id: number; distance: number }> = [];
    for (const r of rows) hits.push({ id: r.id, distance: cosineDistance(vector, floats(r.embedding, space.dimensions)) });
    return hits.sort((a, b) => a.distance - b.distance || a.id - b.id).slice(0, limit);
  }

  /**
   * The space's 1-bit index (null for small spaces). Built on the first search; after writes, from
   * this process or another, the next search applies the vector log's changes to it, and rebuilds
   * it only when the log was trimmed past it or a quarter of it changed (the signs' mean
   * direction then deserves a fresh look).
   */
  #vectorIndex(space: VectorSpace): BinaryVectorIndex | null {
    const stamp = this.#stamp();
    let state = this.#cache.vectorIndexes.get(space.id);
    if (state?.stamp !== stamp) {
      if (state?.index != null && this.#catchUp(space, state)) {
        state.stamp = stamp;
        state.count = state.index.size;
      } else {
        state = { stamp, count: this.db.prepare(`SELECT COUNT(*) FROM ${space.table}_rowids`).pluck().get() as number, index: null, seq: 0 };
        this.#cache.vectorIndexes.set(space.id, state);
      }
    }
    // The cache is shared by every KnowledgeDb of the connection, whatever its threshold.
    if (state.count < this.#approximateFrom) return null;
    if (state.index === null) {
      this.#copyVectors(space);
      const built = state;
      // One read transaction: the log position and the vectors read are the same snapshot.
      this.db.transaction(() => {
        built.seq = (this.db.prepare('SELECT MAX(seq) FROM knowledge_vector_log').pluck().get() as number | null) ?? 0;
        const all = this.db.prepare('SELECT chunk_id AS id, collection, embedding FROM knowledge_vectors WHERE space = ?');
        built.index = BinaryVectorIndex.build(space.dimensions, () => all.iterate(space.id) as Iterable<{ id: number; collection: string; embedding: Buffer }>);
      })();
    }
    return state.index;
  }

  /** Applies the log entries after `state.seq` to its index; false when a rebuild is due instead. */
  #catchUp(space: VectorSpace, state: VectorIndexState): boolean {
    const index = state.index;
    if (index === null) return false;
    return this.db.transaction(() => {
      const oldest = this.db.prepare('SELECT MIN(seq) FROM knowledge_vector_log').pluck().get() as number | null;
      if (oldest !== null && oldest > state.seq + 1) return false; // trimmed past this index
      const most = Math.max(1000, Math.floor(index.size / 4));
      const changes = this.db
        .prepare('SELECT seq, chunk_id AS id, added FROM knowledge_vector_log WHERE space = ? AND seq > ? ORDER BY seq LIMIT ?')
        .all(space.id, state.seq, most + 1) as Array<{ seq: number; id: number; added: number }>;
      if (changes.length > most) return false;
      const added = changes.filter((c) => c.added === 1).map((c) => c.id);
      const rows = new Map(
        (added.length === 0
          ? []
          : (this.db
              .prepare('SELECT chunk_id AS id, collection, embedding FROM knowledge_vectors WHERE space = ? AND chunk_id IN (SELECT value FROM json_each(?))')
              .all(space.id, JSON.stringify(added)) as Array<{ id: number; collection: string; embedding: Buffer }>)
        ).map((r) => [r.id, r]),
      );
      // In log order: a chunk id reused after a delete ends up with its current vector, once.
      for (const change of changes) {
        const row = rows.get(change.id);
        if (change.added === 0) index.remove(change.id);
        else if (row !== undefined) index.add([row]);
      }
      state.seq = changes.at(-1)?.seq ?? state.seq;
      return index.removed <= Math.max(1000, index.size / 4);
    })();
  }

  /**
   * Copies a space's vectors from its vec0 table when the plain copy is behind (spaces written
   * before migration 8, whose writes fill both); checked once per connection and space.
   */
  #copyVectors(space: VectorSpace): void {
    if (this.#cache.copiedSpaces.has(space.id)) return;
    // Both counts in one statement, one snapshot: an ingest committing beside this one cannot
    // make them differ (its transaction writes both tables).
    const behind = (): boolean =>
      this.db
        .prepare(`SELECT (SELECT COUNT(*) FROM ${space.table}_rowids) != (SELECT COUNT(*) FROM knowledge_vectors WHERE space = ?)`)
        .pluck()
        .get(space.id) === 1;
    if (behind()) {
      this.db
        .transaction(() => {
          if (!behind()) return;
          this.db.prepare('DELETE FROM knowledge_vectors WHERE space = ?').run(space.id);
          this.db
            .prepare(
              `INSERT OR REPLACE INTO knowledge_vectors (chunk_id, space, collection, embedding) SELECT rowid, ?, collection, embedding FROM ${space.table}`,
            )
            .run(space.id);
        })
        .immediate();
    }
    this.#cache.copiedSpaces.add(space.id);
  }

  /** Exact nearest chunks from sqlite-vec's brute-force scan (the reference the index is checked against). */
  searchVectorsExact(space: VectorSpace, vector: Float32Array, filters: SearchFilters, limit: number): Array<{ id: number; distance: number }> {
    const narrowed = isNarrowed(filters);
    const k = Math.min(4096, narrowed ? limit * 10 : limit);
    const blob = vectorBlob(vector);
    const knn = this.db.prepare(`SELECT rowid AS id, distance FROM ${space.table} WHERE embedding MATCH ? AND k = ? AND collection = ?`);
    let hits: Array<{ id: number; distance: number }> = [];
    let saturated = false;
    for (const collection of filters.collections) {
      const rows = knn.all(blob, k, collection) as Array<{ id: number; distance: number }>;
      saturated ||= rows.length === k;
      hits.push(...rows);
    }
    hits.sort((a, b) => a.distance - b.distance);
    if (narrowed && hits.length > 0) {
      const where = filterSql(filters, 'c');
      const ids = hits.map((h) => h.id);
      const kept = new Set(
        this.db
          .prepare(`SELECT c.id FROM knowledge_chunks c WHERE c.id IN (SELECT value FROM json_each(?)) AND ${where.sql}`)
          .pluck()
          .all(JSON.stringify(ids), ...where.params) as number[],
      );
      hits = hits.filter((h) => kept.has(h.id));
      if (hits.length < limit && saturated) return this.#scanFiltered(space, vector, filters, limit);
    }
    return hits.slice(0, limit);
  }

  /** Chunks by id, in the order of `ids`. */
  chunks(ids: readonly number[]): StoredChunk[] {
    if (ids.length === 0) return [];
    const rows = this.db
      .prepare(
        `SELECT c.id, c.collection, c.path, c.doc_index AS docIndex, c.seq, c.title, c.heading, c.page, c.start_offset AS start, c.end_offset AS end,
                c.doc_date AS docDate, f.mtime, c.sender, c.subject, c.text
         FROM knowledge_chunks c JOIN knowledge_files f ON f.id = c.file_id WHERE c.id IN (SELECT value FROM json_each(?))`,
      )
      .all(JSON.stringify(ids)) as StoredChunk[];
    const byId = new Map(rows.map((r) => [r.id, r]));
    return ids.map((id) => byId.get(id)).filter((r): r is StoredChunk => r !== undefined);
  }
}

function vectorBlob(vector: Float32Array): Buffer {
  return Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength);
}

function isNarrowed(filters: SearchFilters): boolean {
  return filters.pathPrefix !== undefined || filters.since !== undefined || filters.until !== undefined || filters.sender !== undefined;
}

/** GLOB's special characters, each matched literally as a one-character class. */
function escapeGlob(text: string): string {
  return text.replace(/[*?[]/g, (c) => `[${c}]`);
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

function filterSql(filters: SearchFilters, alias: string): { sql: string; params: unknown[] } {
  const clauses = [`${alias}.collection IN (SELECT value FROM json_each(?))`];
  const params: unknown[] = [JSON.stringify(filters.collections)];
  if (filters.pathPrefix !== undefined) {
    // A folder or a file, case-sensitive: "/notes" is "/notes" and what is under "/notes/", not
    // "/notes-old" nor "/Notes" (GLOB, unlike LIKE, respects case).
    const prefix = filters.pathPrefix;
    clauses.push(`(${alias}.path = ? OR ${alias}.path GLOB ?)`);
    params.push(prefix, `${escapeGlob(prefix.endsWith('/') ? prefix : `${prefix}/`)}*`);
  }
  if (filters.since !== undefined) {
    clauses.push(`${alias}.doc_date >= ?`);
    params.push(filters.since);
  }
  if (filters.until !== undefined) {
    clauses.push(`${alias}.doc_date < ?`);
    params.push(filters.until);
  }
  if (filters.sender !== undefined) {
    clauses.push(`${alias}.sender LIKE ? ESCAPE '\\'`);
    params.push(`%${escapeLike(filters.sender)}%`);
  }
  return { sql: clauses.join(' AND '), params };
}
