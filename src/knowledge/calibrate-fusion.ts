import type { KnowledgeDb } from './db.js';
import type { Embedder } from './embedder.js';
import { fusedScore } from './hybrid-search.js';
import { textHits } from './text-hits.js';

/** What calibration measured: the weight it chose and the mean reciprocal rank at each weight tried. */
export interface FusionCalibration {
  collection: string;
  model: string;
  /** The weight to use; when not `measured`, plain RRF's 0.5, and nothing is stored. */
  weight: number;
  /** False when the collection is too small to build enough pseudo-queries from (fewer than MIN_QUERIES). */
  measured: boolean;
  queries: number;
  /** Mean reciprocal rank (top 20) of the right document, by vector weight (0: BM25 alone). */
  mrr: Array<{ weight: number; mrr: number }>;
}

/** Vector weights tried; 0 is BM25 alone. */
const WEIGHTS = [0, 0.2, 0.35, 0.5, 0.65, 0.8] as const;
/** A weight above 0 must beat BM25 alone by this much (MRR), or the embedder is taken not to help. */
const MIN_GAIN = 0.01;
/** Documents sampled, evenly spread over the collection. */
const SAMPLE = 80;
const DEPTH = 20;
const RRF_K = 60;
/** Below this many pseudo-queries a measure says nothing: the collection keeps plain RRF. */
const MIN_QUERIES = 5;
/** The weight of a collection too small to measure: plain RRF, as before calibration existed. */
export const UNMEASURED_WEIGHT = 0.5;

interface PseudoQuery {
  text: string;
  /** The document's chunks that count as right answers. */
  relevant: Set<number>;
  /** The chunk the query was cut from: left out of both lists (it holds the very words). */
  source: number | null;
}

/**
 * Measures how much the collection's embedder adds to BM25, on pseudo-queries built from its own
 * documents, and returns the vector weight hybrid search should use (0 when vectors do not help,
 * whatever the model). Queries: a document's title (its chunks are the answers), and, in the
 * way of the inverse cloze task (Lee et al. 2019), a chunk's first sentence, whose answers are
 * the document's other chunks, the chunk itself being left out of both lists. Both favour words
 * over vectors a little, which errs the safe way: a weight is kept only when it beats BM25.
 */
export async function calibrateFusion(db: KnowledgeDb, embedder: Embedder, collection: string, signal: AbortSignal): Promise<FusionCalibration> {
  const space = db.vectorSpaces().find((s) => s.model === embedder.model);
  const queries = space === undefined ? [] : pseudoQueries(db, collection);
  const none: FusionCalibration = { collection, model: embedder.model, weight: UNMEASURED_WEIGHT, measured: false, queries: queries.length, mrr: [] };
  if (space === undefined || queries.length < MIN_QUERIES) return none;
  const vectors = await embedder.embed(
    queries.map((q) => q.text),
    signal,
  );
  const filters = { collections: [collection] };
  const lists = queries.map((q, i) => {
    const keep = (id: number) => id !== q.source;
    const text = textHits(db, q.text, filters, DEPTH * 2)
      .map((h) => h.id)
      .filter(keep);
    const vector = vectors[i];
    const near =
      vector === undefined || vector.length !== space.dimensions
        ? []
        : db
            .searchVectors(space, vector, filters, DEPTH * 2)
            .map((h) => h.id)
            .filter(keep);
    return { text, near };
  });
  const mrr = WEIGHTS.map((weight) => {
    let sum = 0;
    queries.forEach((q, i) => {
      const { text, near } = lists[i] as { text: number[]; near: number[] };
      const score = new Map<number, number>();
      const rank = (id: number, list: number[]) => {
        const at = list.indexOf(id);
        return at < 0 ? null : at + 1;
      };
      for (const id of new Set([...text, ...near])) score.set(id, fusedScore(rank(id, text), rank(id, near), weight, RRF_K));
      const order = [...score.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0]).slice(0, DEPTH);
      const at = order.findIndex(([id]) => q.relevant.has(id));
      sum += at < 0 ? 0 : 1 / (at + 1);
    });
    return { weight, mrr: sum / queries.length };
  });
  const base = mrr[0]?.mrr ?? 0;
  const best = mrr.reduce((a, b) => (b.mrr > a.mrr ? b : a));
  return { ...none, measured: true, weight: best.mrr >= base + MIN_GAIN ? best.weight : 0, mrr };
}

/** Titles and first sentences of documents spread over the collection (chunk order by id). */
function pseudoQueries(db: KnowledgeDb, collection: string): PseudoQuery[] {
  const documents = db.db
    .prepare('SELECT file_id AS fileId, doc_index AS docIndex FROM knowledge_chunks WHERE collection = ? AND seq = 0 ORDER BY id')
    .all(collection) as Array<{ fileId: number; docIndex: number }>;
  const step = Math.max(1, documents.length / SAMPLE);
  const chunksOf = db.db.prepare('SELECT id, title, text FROM knowledge_chunks WHERE file_id = ? AND doc_index = ? ORDER BY seq');
  const queries: PseudoQuery[] = [];
  for (let i = 0; i < documents.length && queries.length < SAMPLE * 2; i += step) {
    const doc = documents[Math.floor(i)] as { fileId: number; docIndex: number };
    const chunks = chunksOf.all(doc.fileId, doc.docIndex) as Array<{ id: number; title: string | null; text: string }>;
    const ids = chunks.map((c) => c.id);
    const title = chunks[0]?.title;
    if (title != null && title.split(/\s+/).length >= 2) queries.push({ text: title, relevant: new Set(ids), source: null });
    const source = chunks.length >= 2 ? chunks[Math.floor(chunks.length / 2)] : undefined;
    const sentence = source === undefined ? undefined : firstSentence(source.text);
    if (source !== undefined && sentence !== undefined)
      queries.push({ text: sentence, relevant: new Set(ids.filter((id) => id !== source.id)), source: source.id });
  }
  return queries;
}

/** A chunk's first sentence of at least four words, cut at 16 words. */
function firstSentence(text: string): string | undefined {
  for (const sentence of text.split(/(?<=[.!?])\s+|\n+/)) {
    const words = sentence.split(/\s+/).filter((w) => /[\p{L}\p{N}]/u.test(w));
    if (words.length >= 4) return words.slice(0, 16).join(' ');
  }
  return undefined;
}
