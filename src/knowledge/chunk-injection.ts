import type { Db } from '../store/store.js';

/** A chunk's injection score as scanned at ingest (source `document`): the signals' kinds, never their text. */
export interface ChunkInjection {
  score: number;
  signals: string[];
}

/**
 * What ingest needs to score chunks, given by the caller so that knowledge/ holds no detector
 * (gateway/chunk-screen.ts makes it from the injection scanner).
 */
export interface ChunkScreen {
  /** Scans one chunk. `hidden`: the parts of its HTML source a reader does not see that show in this chunk's text. */
  scan(text: string, hidden: readonly HiddenPart[]): ChunkInjection;
  /** The hidden parts of an HTML source (findHiddenHtml). */
  hiddenHtml(html: string): HiddenPart[];
  /** The hidden runs of a DOCX, from its `word/document.xml` and `word/styles.xml` (findHiddenDocx). */
  hiddenDocx(documentXml: string, stylesXml: string): HiddenPart[];
}

/** A hidden part of an HTML or DOCX source (findHiddenHtml's shape, its fields the scanner reads). */
export interface HiddenPart {
  how: string;
  text: string;
  start: number;
  end: number;
}

/** The hidden parts whose text shows in `chunk` (white space folded): a chunk is scanned with its own hidden text only. */
export function hiddenPartsIn<T extends HiddenPart>(chunk: string, hidden: readonly T[]): T[] {
  if (hidden.length === 0) return [];
  const folded = chunk.replace(/\s+/g, ' ');
  return hidden.filter((part) => {
    const text = part.text.replace(/\s+/g, ' ').trim();
    return text !== '' && folded.includes(text);
  });
}

/**
 * The `knowledge_chunk_injection` table (migration 14): rows are written with their chunk, in
 * KnowledgeDb.writeFile's transaction, and deleted with it by a trigger.
 */
export class ChunkInjectionTable {
  readonly #insert;
  readonly #byId;
  readonly #flagged;

  constructor(db: Db) {
    this.#insert = db.prepare('INSERT OR REPLACE INTO knowledge_chunk_injection (chunk_id, collection, score, signals) VALUES (?, ?, ?, ?)');
    this.#byId = db.prepare('SELECT chunk_id AS id, score, signals FROM knowledge_chunk_injection WHERE chunk_id = ?');
    this.#flagged = db.prepare('SELECT collection, COUNT(*) AS n FROM knowledge_chunk_injection WHERE score >= ? GROUP BY collection');
  }

  write(chunkId: number | bigint, collection: string, found: ChunkInjection): void {
    this.#insert.run(chunkId, collection, found.score, JSON.stringify(found.signals));
  }

  /** The stored scores of these chunks; a chunk ingested before scores were kept is absent. */
  scores(chunkIds: readonly number[]): Map<number, ChunkInjection> {
    const found = new Map<number, ChunkInjection>();
    for (const id of chunkIds) {
      const row = this.#byId.get(id) as { id: number; score: number; signals: string } | undefined;
      if (row !== undefined) found.set(row.id, { score: row.score, signals: signalKinds(row.signals) });
    }
    return found;
  }

  /** Chunks scoring at or above `threshold`, by collection. */
  flaggedCounts(threshold: number): Map<string, number> {
    const rows = this.#flagged.all(threshold) as Array<{ collection: string; n: number }>;
    return new Map(rows.map((r) => [r.collection, r.n]));
  }
}

/** The stored JSON list of kinds, read defensively: anything but a list of strings reads as none. */
function signalKinds(json: string): string[] {
  try {
    const parsed: unknown = JSON.parse(json);
    return Array.isArray(parsed) ? parsed.filter((k): k is string => typeof k === 'string') : [];
  } catch {
    return [];
  }
}
