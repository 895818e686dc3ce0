/**
 * Retrieval quality and latency of knowledge search (issue 20): nDCG@10 and recall@100 of BM25
 * (the exact index as before the stemmed one, FTS5's own porter tokenizer as a reference, and the
 * stemmed per-collection index), vector and hybrid search (plain RRF, and the weight calibration
 * picks), on BEIR-layout sets built for this bench from openly licensed text:
 * - knowledge-docs-en: sections of this repository's README and docs/ (Apache-2.0), with
 *   questions written for them;
 * - knowledge-notes-fr: French household notes written for this bench, with questions;
 * - knowledge-beir-mini: the bundled mini set (French and English).
 * Documents are chunked as ingest chunks them. Embedders: a hashing bag of words (64 dimensions)
 * and random vectors (an embedder that knows nothing): hybrid must stay at BM25's level with both.
 * Then search latency p50/p99 at 100k chunks of English-like text (Zipf over the docs' words).
 * Run alone: `node --import tsx bench/retrieval.bench.ts`, or `npm run bench -- retrieval`.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { hashingEmbedder } from '../src/knowledge/__fixtures__/hashing-embedder.js';
import { rng } from '../src/knowledge/__fixtures__/seeded-random.js';
import { calibrateFusion } from '../src/knowledge/calibrate-fusion.js';
import { aboveRelevanceFloor } from '../src/knowledge/relevance-floor.js';
import { chunkDocument } from '../src/knowledge/chunk-document.js';
import { embeddingText } from '../src/knowledge/embedder.js';
import { createKnowledge, KnowledgeDb, type Embedder, type Knowledge } from '../src/knowledge/index.js';
import { DocumentBuilder } from '../src/knowledge/source-document.js';
import { queryWords, matchOf } from '../src/knowledge/text-hits.js';
import { foldWord } from '../src/knowledge/analyze-text.js';
import { openStore, type Store } from '../src/store/store.js';
import { fmt, percentile, table } from './stats.js';

interface Beir {
  name: string;
  corpus: Array<{ _id: string; title?: string; text: string }>;
  queries: Map<string, string>;
  qrels: Map<string, Map<string, number>>;
}

function readBeir(folder: string): Beir {
  const lines = (file: string) =>
    readFileSync(join(folder, file), 'utf8')
      .split('\n')
      .filter((l) => l.trim() !== '');
  const corpus = lines('corpus.jsonl').map((l) => JSON.parse(l) as { _id: string; title?: string; text: string });
  const queries = new Map(
    lines('queries.jsonl')
      .map((l) => JSON.parse(l) as { _id: string; text: string })
      .map((q) => [q._id, q.text]),
  );
  const qrels = new Map<string, Map<string, number>>();
  for (const line of lines('qrels/test.tsv').slice(1)) {
    const [q, d, s] = line.split('\t');
    if (q === undefined || d === undefined || Number(s) <= 0) continue;
    if (!qrels.has(q)) qrels.set(q, new Map());
    qrels.get(q)?.set(d, Number(s));
  }
  return { name: folder.split('/').filter(Boolean).at(-1) ?? folder, corpus, queries, qrels };
}

function ndcgAt10(ranked: string[], relevant: Map<string, number>): number {
  const dcg = ranked.slice(0, 10).reduce((sum, id, i) => sum + (2 ** (relevant.get(id) ?? 0) - 1) / Math.log2(i + 2), 0);
  const ideal = [...relevant.values()]
    .sort((a, b) => b - a)
    .slice(0, 10)
    .reduce((sum, g, i) => sum + (2 ** g - 1) / Math.log2(i + 2), 0);
  return ideal === 0 ? 0 : dcg / ideal;
}

/** The sets in one collection: French and English side by side, as in a real home. */
function mixed(sets: Beir[]): Beir {
  const corpus = sets.flatMap((s) => s.corpus.map((d) => ({ ...d, _id: `${s.name}/${d._id}` })));
  const queries = new Map(sets.flatMap((s) => [...s.queries].map(([id, text]) => [`${s.name}/${id}`, text] as [string, string])));
  const qrels = new Map(
    sets.flatMap((s) =>
      [...s.qrels].map(([id, docs]) => [`${s.name}/${id}`, new Map([...docs].map(([d, g]) => [`${s.name}/${d}`, g]))] as [string, Map<string, number>]),
    ),
  );
  return { name: 'mixed (all three)', corpus, queries, qrels };
}

/** Random unit vectors: an embedder that knows nothing. */
function randomEmbedder(dimensions = 64): Embedder {
  const random = rng(99);
  return { model: 'bench-random', embed: async (texts) => texts.map(() => Float32Array.from({ length: dimensions }, () => random() * 2 - 1)) };
}

/** A set indexed as ingest indexes it: paragraphs as blocks, chunked, title on every chunk, embedded. */
async function indexSet(set: Beir, embedder: Embedder): Promise<{ store: Store; dir: string; knowledge: Knowledge }> {
  const dir = mkdtempSync(join(tmpdir(), 'flambeau-bench-retrieval-'));
  const store = openStore(join(dir, 'flambeau.db'));
  const db = new KnowledgeDb(store.db);
  db.ensureCollection('set', 0);
  for (const doc of set.corpus) {
    const builder = new DocumentBuilder();
    for (const paragraph of doc.text.split(/\n\s*\n/)) builder.add(paragraph, doc.title === undefined ? {} : { heading: doc.title });
    const source = builder.build(doc.title === undefined ? {} : { title: doc.title });
    const chunks = chunkDocument(source);
    const vectors = await embedder.embed(
      chunks.map((c) => embeddingText({ ...c, title: doc.title ?? null })),
      new AbortController().signal,
    );
    const space = db.vectorSpace(embedder.model, (vectors[0] as Float32Array).length, 0);
    db.writeFile(
      {
        collection: 'set',
        path: doc._id,
        hash: doc._id,
        size: 0,
        mtime: 0,
        documents: [{ date: 0, ...(doc.title === undefined ? {} : { title: doc.title }), chunks }],
        vectors: { space, values: vectors },
      },
      0,
    );
  }
  // FTS5's porter tokenizer over the same chunks: the reference the issue compares with.
  store.db.exec(`CREATE VIRTUAL TABLE bench_porter USING fts5 (text, heading, title, tokenize = "porter unicode61 remove_diacritics 2");
    INSERT INTO bench_porter (rowid, text, heading, title) SELECT id, text, heading, title FROM knowledge_chunks;`);
  return { store, dir, knowledge: createKnowledge({ db: store.db, embedder }) };
}

type Ranker = (query: string, k: number) => Promise<string[]>;

async function score(set: Beir, rank: Ranker): Promise<{ ndcg: number; recall: number }> {
  let ndcg = 0;
  let recall = 0;
  let n = 0;
  for (const [id, relevant] of set.qrels) {
    const query = set.queries.get(id);
    if (query === undefined) continue;
    const ranked = [...new Set(await rank(query, 100))];
    ndcg += ndcgAt10(ranked, relevant);
    recall += ranked.slice(0, 100).filter((d) => relevant.has(d)).length / relevant.size;
    n += 1;
  }
  return { ndcg: ndcg / n, recall: recall / n };
}

/** Chunk ids to document ids, best first. */
function paths(store: Store, ids: number[]): string[] {
  const byId = new Map(
    (
      store.db.prepare('SELECT id, path FROM knowledge_chunks WHERE id IN (SELECT value FROM json_each(?))').all(JSON.stringify(ids)) as Array<{
        id: number;
        path: string;
      }>
    ).map((r) => [r.id, r.path]),
  );
  return ids.map((id) => byId.get(id) ?? '');
}

/**
 * The relevance floor (k = 8, BM25 alone and calibrated hybrid): chunks kept and whether the right
 * document is still among them, for the set's questions; and how many questions of another set
 * (off-topic here) get no chunk at all.
 */
async function floor(set: Beir, offTopic: string[], knowledge: Knowledge, weight: number): Promise<string[]> {
  const filters = { collections: ['set'] };
  let kept = 0;
  let found = 0;
  let n = 0;
  for (const [id, relevant] of set.qrels) {
    const query = set.queries.get(id);
    if (query === undefined) continue;
    const result = await knowledge.search(query, filters, { k: 8, vectorWeight: weight });
    const hits = aboveRelevanceFloor(result.hits, result.vectorWeight);
    kept += hits.length;
    if (hits.some((h) => relevant.has(h.chunk.path))) found += 1;
    n += 1;
  }
  let none = 0;
  for (const query of offTopic) {
    const result = await knowledge.search(query, filters, { k: 8, vectorWeight: weight });
    if (aboveRelevanceFloor(result.hits, result.vectorWeight).length === 0) none += 1;
  }
  return [set.name, String(weight), fmt(kept / n, 1), fmt(found / n, 3), `${none}/${offTopic.length}`];
}

const floorRows: string[][] = [];

async function quality(set: Beir, offTopic: string[] = []): Promise<string[][]> {
  const rows: string[][] = [];
  for (const embedder of [hashingEmbedder(64, 'bench-hashing'), randomEmbedder()]) {
    const { store, dir, knowledge } = await indexSet(set, embedder);
    try {
      const row = async (label: string, rank: Ranker) => {
        const { ndcg, recall } = await score(set, rank);
        rows.push([set.name, embedder.model, label, fmt(ndcg, 3), fmt(recall, 3)]);
      };
      const filters = { collections: ['set'] };
      const db = knowledge.db;
      if (embedder.model === 'bench-hashing') {
        // Before issue 20: the exact index, words in more than half the chunks dropped, weights 1/.5/.5.
        await row('bm25 exact (before)', async (query, k) => {
          const words = [...new Set(queryWords(query).map(foldWord))];
          const { chunks, documents } = db.termFrequencies(words);
          const kept = words.filter((w) => (documents.get(w) ?? 0) <= chunks / 2);
          return paths(
            store,
            db.searchText(matchOf(kept.length > 0 ? kept : words), filters, k).map((h) => h.id),
          );
        });
        await row('bm25 fts5 porter', async (query, k) => {
          const words = queryWords(query);
          const ids = store.db
            .prepare('SELECT rowid FROM bench_porter WHERE bench_porter MATCH ? ORDER BY bm25(bench_porter) LIMIT ?')
            .pluck()
            .all(matchOf(words), k) as number[];
          return paths(store, ids);
        });
        await row('bm25 stemmed', async (query, k) => (await knowledge.search(query, filters, { k, mode: 'bm25' })).hits.map((h) => h.chunk.path));
      }
      await row('vector', async (query, k) => (await knowledge.search(query, filters, { k, mode: 'vector' })).hits.map((h) => h.chunk.path));
      await row('hybrid rrf 0.5 (before)', async (query, k) =>
        (await knowledge.search(query, filters, { k, mode: 'hybrid', vectorWeight: 0.5 })).hits.map((h) => h.chunk.path),
      );
      const calibration = await calibrateFusion(db, embedder, 'set', new AbortController().signal);
      await row(`hybrid calibrated w=${calibration.weight}`, async (query, k) =>
        (await knowledge.search(query, filters, { k, mode: 'hybrid', vectorWeight: calibration.weight })).hits.map((h) => h.chunk.path),
      );
      if (embedder.model === 'bench-hashing' && offTopic.length > 0) floorRows.push(await floor(set, offTopic, knowledge, calibration.weight));
    } finally {
      knowledge.close();
      store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }
  return rows;
}

/** Search latency at `chunks` chunks of English-like text: Zipf draws over the docs set's words, stop words included. */
async function latency(chunks: number, vocabulary: string[]): Promise<string[][]> {
  const dir = mkdtempSync(join(tmpdir(), 'flambeau-bench-retrieval-lat-'));
  try {
    const store = openStore(join(dir, 'flambeau.db'));
    const db = new KnowledgeDb(store.db);
    const random = rng(7);
    const words = (n: number) => Array.from({ length: n }, () => vocabulary[Math.floor(vocabulary.length * random() ** 3)]).join(' ');
    const dims = 384;
    const vector = () => Float32Array.from({ length: dims }, () => random() * 2 - 1);
    const space = db.vectorSpace('bench-random', dims, 0);
    db.ensureCollection('bench', 0);
    const t0 = performance.now();
    for (let f = 0; f < chunks / 100; f++) {
      const texts = Array.from({ length: 100 }, () => words(40));
      db.writeFile(
        {
          collection: 'bench',
          path: `/bench/${f}.md`,
          hash: String(f),
          size: 0,
          mtime: 0,
          documents: [{ date: 0, title: words(4), chunks: texts.map((text) => ({ text, start: 0, end: text.length })) }],
          vectors: { space, values: texts.map(vector) },
        },
        0,
      );
    }
    const load = (performance.now() - t0) / 1000;
    let queryVector = vector();
    const knowledge = createKnowledge({ db: store.db, embedder: { model: 'bench-random', embed: async (t) => t.map(() => queryVector) } });
    const thread = knowledge.db.textSearchThread();
    if (thread !== null) await thread.ready();
    const lat: Record<string, number[]> = { exact: [], stemmed: [], vector: [], hybrid: [], 'hybrid w=0': [] };
    // CPU time of the whole process (the BM25 worker thread included): what a loaded machine inflates least.
    const cpu: Record<string, number[]> = { exact: [], stemmed: [], vector: [], hybrid: [], 'hybrid w=0': [] };
    const filters = { collections: ['bench'] };
    for (let i = 0; i < 140; i++) {
      const query = words(6);
      queryVector = vector();
      const timed = async (label: string, run: () => unknown) => {
        const start = performance.now();
        const used = process.cpuUsage();
        await run();
        const { user, system } = process.cpuUsage(used);
        if (i >= 20) {
          lat[label]?.push(performance.now() - start);
          cpu[label]?.push((user + system) / 1000);
        }
      };
      await timed('exact', () => {
        const w = [...new Set(queryWords(query).map(foldWord))];
        const { chunks: n, documents } = db.termFrequencies(w);
        const kept = w.filter((x) => (documents.get(x) ?? 0) <= n / 2);
        return db.searchText(matchOf(kept.length > 0 ? kept : w), filters, 50);
      });
      await timed('stemmed', () => knowledge.search(query, filters, { k: 10, mode: 'bm25' }));
      await timed('vector', () => knowledge.search(query, filters, { k: 10, mode: 'vector' }));
      await timed('hybrid', () => knowledge.search(query, filters, { k: 10, mode: 'hybrid', vectorWeight: 0.5 }));
      // A collection whose calibrated weight is 0: hybrid is BM25 alone, the embedder not asked.
      await timed('hybrid w=0', () => knowledge.search(query, filters, { k: 10, mode: 'hybrid', vectorWeight: 0 }));
    }
    knowledge.close();
    store.close();
    return Object.entries(lat).map(([label, values]) => [
      String(chunks),
      label,
      fmt(load, 1),
      fmt(percentile(values, 50), 2),
      fmt(percentile(values, 99), 2),
      fmt(percentile(cpu[label] ?? [], 50), 2),
      fmt(percentile(cpu[label] ?? [], 99), 2),
    ]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function run(): Promise<void> {
  console.log('\n## retrieval: stemmed BM25, calibrated hybrid (issue 20)');
  const sets = ['knowledge-docs-en', 'knowledge-notes-fr', 'knowledge-beir-mini'].map((name) =>
    readBeir(fileURLToPath(new URL(`./data/${name}`, import.meta.url))),
  );
  sets.push(mixed(sets));
  const rows: string[][] = [];
  const questions = (set: Beir) => [...set.queries.values()];
  const [en, fr, mini] = sets as [Beir, Beir, Beir];
  // Off-topic for the docs: household questions in both languages; for the notes: the docs' questions.
  for (const set of sets) rows.push(...(await quality(set, set === en ? [...questions(fr), ...questions(mini)] : set === fr ? questions(en) : [])));
  console.log('\nretrieval quality (document level)');
  table(['set', 'embedder', 'search', 'nDCG@10', 'recall@100'], rows);
  console.log('\nrelevance floor (k=8, hashing embedder at its calibrated weight; off-topic = questions of the other sets, on other subjects)');
  table(['set', 'vector weight', 'chunks kept (mean)', 'right doc kept', 'off-topic with no chunk'], floorRows);
  const docs = sets[0] as Beir;
  // Most frequent first, as Zipf draws expect: stop words lead, as in real text.
  const counts = new Map<string, number>();
  for (const word of docs.corpus.flatMap((d) => d.text.toLowerCase().match(/[a-z]+/g) ?? [])) counts.set(word, (counts.get(word) ?? 0) + 1);
  const vocabulary = [...counts.entries()].sort((a, b) => b[1] - a[1]).map(([w]) => w);
  const rowsOut = await latency(Number(process.env.FLAMBEAU_BENCH_CHUNKS ?? 100_000), vocabulary);
  console.log(
    `\nsearch latency (ms; BM25 k=50 exact as before, stemmed k=10, vector and hybrid k=10 with 384-dimension random vectors; wall and process CPU time; load average ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')})`,
  );
  table(['chunks', 'search', 'load s', 'p50', 'p99', 'cpu p50', 'cpu p99'], rowsOut);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await run();
