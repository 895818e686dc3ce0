import { createHash } from 'node:crypto';
import type { Db } from '../store/store.js';
import { stemmedText, wordsOf } from './analyze-text.js';
import { detectLanguage, UNDETERMINED, type ChunkLanguage } from './languages.js';

/**
 * The stemmed index (migration 15): one contentless FTS5 table per collection, so BM25's
 * statistics (chunk count, document frequencies, mean length) are the collection's own, not the
 * whole home's. Columns as knowledge_fts: text, heading, title. Contentless with
 * contentless_delete: the stemmed form is derived, never read back, and a deleted chunk's row
 * is removed by rowid.
 */
export function stemTable(collection: string): string {
  return `knowledge_stems_${createHash('sha256').update(collection).digest('hex').slice(0, 12)}`;
}

export function ensureStemTable(db: Db, collection: string): string {
  const table = stemTable(collection);
  db.exec(
    `CREATE VIRTUAL TABLE IF NOT EXISTS ${table} USING fts5 (text, heading, title, content = '', contentless_delete = 1, tokenize = "unicode61 remove_diacritics 2")`,
  );
  return table;
}

/** Stemmed tables seen per connection: made once, never dropped, so a table found stays found. */
const seenTables = new WeakMap<Db, Set<string>>();

export function hasStemTable(db: Db, collection: string): boolean {
  const table = stemTable(collection);
  let seen = seenTables.get(db);
  if (seen === undefined) seenTables.set(db, (seen = new Set()));
  if (seen.has(table)) return true;
  const found = db.prepare("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = ?").get(table) !== undefined;
  if (found) seen.add(table);
  return found;
}

/** A chunk as the stemmed index reads it. */
export interface StemSource {
  id: number;
  text: string;
  heading: string | null;
  title: string | null;
}

/** Words read to tell a document's language: a few paragraphs are plenty. */
const DETECT_WORDS = 400;

/**
 * The language of each chunk of one document: the chunk's own when its words tell it, else the
 * document's (a short chunk, a table), else `fallback` (the collection's main language: a
 * collection is mostly written in one or two, and one analyser per collection is what queries can
 * match best), else undetermined.
 */
export function chunkLanguages(
  chunks: ReadonlyArray<{ text: string; heading?: string | null; title?: string | null }>,
  fallback: ChunkLanguage = UNDETERMINED,
): ChunkLanguage[] {
  const documentWords: string[] = [];
  for (const chunk of chunks) {
    if (documentWords.length >= DETECT_WORDS) break;
    documentWords.push(...wordsOf(chunk.text).slice(0, DETECT_WORDS));
  }
  const documentLanguage: ChunkLanguage = detectLanguage(documentWords) ?? fallback;
  return chunks.map((c) => detectLanguage(wordsOf(c.text).slice(0, DETECT_WORDS)) ?? documentLanguage);
}

/** Writes chunks (of one collection) into its stemmed table; the caller records their language. */
export function insertStems(db: Db, collection: string, chunks: ReadonlyArray<StemSource & { lang: ChunkLanguage }>): void {
  if (chunks.length === 0) return;
  const table = ensureStemTable(db, collection);
  const insert = db.prepare(`INSERT INTO ${table} (rowid, text, heading, title) VALUES (?, ?, ?, ?)`);
  for (const c of chunks) insert.run(c.id, stemmedText(c.text, c.lang), stemmedText(c.heading, c.lang), stemmedText(c.title, c.lang));
}

/** Removes a file's chunks from its collection's stemmed table (before the chunks themselves go). */
export function deleteStems(db: Db, collection: string, fileId: number): void {
  if (!hasStemTable(db, collection)) return;
  db.prepare(`DELETE FROM ${stemTable(collection)} WHERE rowid IN (SELECT id FROM knowledge_chunks WHERE file_id = ? AND lang IS NOT NULL)`).run(fileId);
}

/** Documents re-indexed per transaction by `indexPendingStems`. */
const PENDING_BATCH = 500;

/**
 * Stems chunks not yet in the stemmed index (lang NULL: written before migration 15), document
 * by document, a batch per transaction; returns how many. Idempotent and resumable: a run
 * stopped midway leaves the rest NULL for the next one.
 */
export function indexPendingStems(db: Db): number {
  const pendingDocs = db.prepare('SELECT DISTINCT file_id AS fileId, doc_index AS docIndex, collection FROM knowledge_chunks WHERE lang IS NULL LIMIT ?');
  const chunksOf = db.prepare('SELECT id, text, heading, title FROM knowledge_chunks WHERE file_id = ? AND doc_index = ? AND lang IS NULL ORDER BY seq');
  const setLang = db.prepare('UPDATE knowledge_chunks SET lang = ? WHERE id = ?');
  let done = 0;
  for (;;) {
    const n = db.transaction(() => {
      const docs = pendingDocs.all(PENDING_BATCH) as Array<{ fileId: number; docIndex: number; collection: string }>;
      for (const doc of docs) {
        const chunks = chunksOf.all(doc.fileId, doc.docIndex) as StemSource[];
        const langs = chunkLanguages(chunks, mainLanguage(db, doc.collection));
        const rows = chunks.map((c, i) => ({ ...c, lang: langs[i] ?? UNDETERMINED }));
        insertStems(db, doc.collection, rows);
        for (const row of rows) setLang.run(row.lang, row.id);
        done += rows.length;
      }
      return docs.length;
    })();
    if (n === 0) return done;
  }
}

/** The most common language (not undetermined) of a collection's chunks so far, else undetermined. */
export function mainLanguage(db: Db, collection: string): ChunkLanguage {
  const row = db
    .prepare("SELECT lang FROM knowledge_chunks WHERE collection = ? AND lang IS NOT NULL AND lang != 'und' GROUP BY lang ORDER BY COUNT(*) DESC LIMIT 1")
    .pluck()
    .get(collection) as ChunkLanguage | undefined;
  return row ?? UNDETERMINED;
}

/**
 * The languages of a collection's chunks that make up at least `share` of them, most common
 * first: the languages a query is stemmed in when its own words do not tell. Each language
 * multiplies the query's terms (a stem per language), so a minor one is left out.
 */
export function collectionLanguages(db: Db, collection: string, share = 0.2): ChunkLanguage[] {
  const rows = db
    .prepare('SELECT lang, COUNT(*) AS n FROM knowledge_chunks WHERE collection = ? AND lang IS NOT NULL GROUP BY lang ORDER BY n DESC')
    .all(collection) as Array<{ lang: string; n: number }>;
  const total = rows.reduce((s, r) => s + r.n, 0);
  return rows.filter((r) => r.n >= total * share).map((r) => r.lang as ChunkLanguage);
}
