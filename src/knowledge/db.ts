import { createHash } from 'node:crypto';
import * as sqliteVec from 'sqlite-vec';
import { FlambeauError } from '../errors/index.js';
import type { Db } from '../store/store.js';
import type { DocumentChunk } from './chunk-document.js';

/** Narrows a search; every field is optional but `collections`. */
export interface SearchFilters {
  collections: readonly string[];
  /** Absolute path prefix (a folder or a file). */
  pathPrefix?: string;
  /** Unix ms, inclusive: the message's date, else the file's mtime. */
  since?: number;
  /** Unix ms, exclusive. */
  until?: number;
  /** Substring of the sender (case-insensitive for ASCII). */
  sender?: string;
}

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

export interface FileRow { id: number; path: string; hash: string; size: number; mtime: number; embedSpace: string | null }

export interface CollectionInfo { name: string; shareable: boolean; files: number; documents: number; chunks: number; bytes: number; createdAt: number; lastIngestAt: number | null }

/** A document's chunks as the ingest runner hands them over, with the document's fields. */
export interface DocumentRecord {
  title?: string;
  sender?: string;
  subject?: string;
  date: number;
  chunks: DocumentChunk[];
}

export interface FileRecord {
  collection: string;
  path: string;
  hash: string;
  size: number;
  mtime: number;
  documents: DocumentRecord[];
  /** One vector per chunk, in document then chunk order; null when there is no embedding model. */
  vectors: { space: VectorSpace; values: Float32Array[] } | null;
}

export interface VectorSpace { id: string; model: string; dimensions: number; table: string }

const loaded = new WeakSet<Db>();

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
  constructor(readonly db: Db) {
    loadVectorExtension(db);
  }

  ensureCollection(name: string, now: number): void {
    this.db.prepare('INSERT INTO knowledge_collections (name, created_at) VALUES (?, ?) ON CONFLICT (name) DO NOTHING').run(name, now);
  }

  setShareable(name: string, shareable: boolean): void {
    this.db.prepare('UPDATE knowledge_collections SET shareable = ? WHERE name = ?').run(shareable ? 1 : 0, name);
  }

  markIngested(name: string, now: number): void {
    this.db.prepare('UPDATE knowledge_collections SET last_ingest_at = ? WHERE name = ?').run(now, name);
  }

  /** Every collection with its sizes (files, documents, chunks, bytes of source files). */
  collections(): CollectionInfo[] {
    const rows = this.db
      .prepare(
        `SELECT c.name, c.shareable, c.created_at AS createdAt, c.last_ingest_at AS lastIngestAt,
                COUNT(f.id) AS files, COALESCE(SUM(f.documents), 0) AS documents, COALESCE(SUM(f.size), 0) AS bytes,
                (SELECT COUNT(*) FROM knowledge_chunks k WHERE k.collection = c.name) AS chunks
         FROM knowledge_collections c LEFT JOIN knowledge_files f ON f.collection = c.name
         GROUP BY c.name ORDER BY c.name`,
      )
      .all() as Array<Omit<CollectionInfo, 'shareable'> & { shareable: number }>;
    return rows.map((r) => ({ ...r, shareable: r.shareable === 1 }));
  }

  file(collection: string, path: string): FileRow | undefined {
    return this.db.prepare('SELECT id, path, hash, size, mtime, embed_space AS embedSpace FROM knowledge_files WHERE collection = ? AND path = ?').get(collection, path) as FileRow | undefined;
  }

  /** Files of a collection at `root` or below it. */
  filesUnder(collection: string, root: string): FileRow[] {
    const folder = root.endsWith('/') ? root : `${root}/`;
    return this.db
      .prepare(`SELECT id, path, hash, size, mtime, embed_space AS embedSpace FROM knowledge_files WHERE collection = ? AND (path = ? OR path LIKE ? ESCAPE '\\')`)
      .all(collection, root, `${escapeLike(folder)}%`) as FileRow[];
  }

  touchFile(id: number, mtime: number): void {
    this.db.prepare('UPDATE knowledge_files SET mtime = ? WHERE id = ?').run(mtime, id);
  }

  /** Replaces a file's chunks and vectors in one transaction: a crash leaves the old state or the new. */
  writeFile(record: FileRecord, now: number): number {
    return this.db.transaction(() => {
      const existing = this.file(record.collection, record.path);
      if (existing !== undefined) this.#deleteFile(existing.id);
      const { lastInsertRowid } = this.db
        .prepare('INSERT INTO knowledge_files (collection, path, hash, size, mtime, embed_space, documents, ingested_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
        .run(record.collection, record.path, record.hash, record.size, record.mtime, record.vectors?.space.id ?? null, record.documents.length, now);
      const fileId = Number(lastInsertRowid);
      const insert = this.db.prepare(
        `INSERT INTO knowledge_chunks (file_id, collection, path, doc_index, seq, title, heading, page, start_offset, end_offset, doc_date, sender, subject, text)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      );
      const insertVector = record.vectors === null ? null : this.db.prepare(`INSERT INTO ${record.vectors.space.table} (rowid, embedding, collection) VALUES (?, ?, ?)`);
      let n = 0;
      record.documents.forEach((doc, docIndex) => {
        doc.chunks.forEach((chunk, seq) => {
          const { lastInsertRowid: chunkId } = insert.run(fileId, record.collection, record.path, docIndex, seq, doc.title ?? null, chunk.heading ?? null, chunk.page ?? null, chunk.start, chunk.end, doc.date, doc.sender ?? null, doc.subject ?? null, chunk.text);
          const vector = record.vectors?.values[n];
          if (insertVector !== null && vector !== undefined) insertVector.run(BigInt(chunkId), vectorBlob(vector), record.collection);
          n += 1;
        });
      });
      return fileId;
    })();
  }

  removeFile(id: number): void {
    this.db.transaction(() => this.#deleteFile(id))();
  }

  #deleteFile(id: number): void {
    for (const space of this.vectorSpaces()) {
      this.db.prepare(`DELETE FROM ${space.table} WHERE rowid IN (SELECT id FROM knowledge_chunks WHERE file_id = ?)`).run(id);
    }
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
      this.db.prepare('INSERT INTO knowledge_vector_spaces (id, model, dimensions, created_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING').run(id, model, dimensions, now);
      // Cosine distance: embedding models are trained for it, and the vectors need no normalising.
      this.db.exec(`CREATE VIRTUAL TABLE IF NOT EXISTS ${table} USING vec0 (embedding float[${dimensions}] distance_metric=cosine, collection text partition key)`);
    })();
    return { id, model, dimensions, table };
  }

  /** BM25 ranks (best first) of chunks matching an FTS5 query under the filters. */
  searchText(match: string, filters: SearchFilters, limit: number): Array<{ id: number; score: number }> {
    const where = filterSql(filters, 'c');
    return this.db
      .prepare(
        `SELECT c.id AS id, bm25(knowledge_fts, 1.0, 0.5, 0.5) AS score FROM knowledge_fts JOIN knowledge_chunks c ON c.id = knowledge_fts.rowid
         WHERE knowledge_fts MATCH ? AND ${where.sql} ORDER BY score LIMIT ?`,
      )
      .all(match, ...where.params, limit) as Array<{ id: number; score: number }>;
  }

  /**
   * Nearest chunks by cosine distance (best first). sqlite-vec filters by collection inside the
   * scan (partition key); other filters apply after it, on an over-fetched candidate list.
   */
  searchVectors(space: VectorSpace, vector: Float32Array, filters: SearchFilters, limit: number): Array<{ id: number; distance: number }> {
    return this.searchVectorsExact(space, vector, filters, limit);
  }

  searchVectorsExact(space: VectorSpace, vector: Float32Array, filters: SearchFilters, limit: number): Array<{ id: number; distance: number }> {
    const narrowed = filters.pathPrefix !== undefined || filters.since !== undefined || filters.until !== undefined || filters.sender !== undefined;
    const k = Math.min(4096, narrowed ? limit * 10 : limit);
    const blob = vectorBlob(vector);
    const knn = this.db.prepare(`SELECT rowid AS id, distance FROM ${space.table} WHERE embedding MATCH ? AND k = ? AND collection = ?`);
    let hits: Array<{ id: number; distance: number }> = [];
    for (const collection of filters.collections) hits.push(...(knn.all(blob, k, collection) as Array<{ id: number; distance: number }>));
    hits.sort((a, b) => a.distance - b.distance);
    if (narrowed && hits.length > 0) {
      const where = filterSql(filters, 'c');
      const ids = hits.map((h) => h.id);
      const kept = new Set(this.db.prepare(`SELECT c.id FROM knowledge_chunks c WHERE c.id IN (SELECT value FROM json_each(?)) AND ${where.sql}`).pluck().all(JSON.stringify(ids), ...where.params) as number[]);
      hits = hits.filter((h) => kept.has(h.id));
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

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

function filterSql(filters: SearchFilters, alias: string): { sql: string; params: unknown[] } {
  const clauses = [`${alias}.collection IN (SELECT value FROM json_each(?))`];
  const params: unknown[] = [JSON.stringify(filters.collections)];
  if (filters.pathPrefix !== undefined) {
    clauses.push(`${alias}.path LIKE ? ESCAPE '\\'`);
    params.push(`${escapeLike(filters.pathPrefix)}%`);
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
