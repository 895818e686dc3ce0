/**
 * Knowledge benchmark: ingest rate (documents/s and MB/s, with embedding excluded and included),
 * hybrid search latency p50/p99 at 10k and 100k chunks, and retrieval quality (nDCG@10,
 * recall@100) of BM25, vector and hybrid search on a BEIR-layout folder (corpus.jsonl,
 * queries.jsonl, qrels/test.tsv): bench/data/knowledge-beir-mini (built for this bench) and any
 * folders named in FLAMBEAU_BENCH_BEIR (colon-separated).
 * Run alone: `node --import tsx bench/knowledge.bench.ts`, or through `npm run bench`.
 *
 * Embeddings "included" use the repo's tiny test GGUF on the real llama.cpp engine (one thread):
 * it measures the pipeline, not a production embedding model. Search latency uses 384-dimension
 * vectors (the width of common small embedding models) and excludes embedding the query.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { makeMbox } from '../src/knowledge/__fixtures__/make-documents.js';
import { makeTestModels, TEST_MODEL_VOCABULARY } from '../test/fixtures/test-models.js';
import { createEngine } from '../src/engine/child-engine.js';
import { createKnowledge, embedderOf, KnowledgeDb, type Embedder, type SearchMode } from '../src/knowledge/index.js';
import { createLlamaCppProvider } from '../src/providers/llamacpp/llamacpp-provider.js';
import { openStore } from '../src/store/store.js';
import { fmt, percentile, table } from './stats.js';
import { rng } from '../src/knowledge/__fixtures__/seeded-random.js';

const quiet = { debug() {}, info() {}, warn() {}, error() {} };

/** Zipf-ish words: a few frequent, many rare, as in real text. */
function sentenceMaker(seed: number): (words: number) => string {
  const random = rng(seed);
  const vocabulary = [...TEST_MODEL_VOCABULARY, ...Array.from({ length: 3000 }, (_, i) => `term${i.toString(36)}`)];
  return (n) => Array.from({ length: n }, () => vocabulary[Math.floor(vocabulary.length * random() ** 2.5)]).join(' ');
}

async function ingestRate(embedder: Embedder | null, label: string, files: number): Promise<string[]> {
  const dir = mkdtempSync(join(tmpdir(), 'flambeau-bench-ingest-'));
  try {
    const words = sentenceMaker(1);
    mkdirSync(join(dir, 'docs'));
    for (let i = 0; i < files; i++) {
      const sections = Array.from({ length: 4 }, (_, s) => `## Section ${s}\n\n${words(60)}.\n\n${words(80)}.`).join('\n\n');
      writeFileSync(join(dir, 'docs', `doc-${i}.md`), `# Document ${i}\n\n${sections}\n`);
    }
    const store = openStore(join(dir, 'flambeau.db'));
    const knowledge = createKnowledge({ db: store.db, embedder });
    const report = await knowledge.ingest({ collection: 'bench', paths: [join(dir, 'docs')] });
    const again = await knowledge.ingest({ collection: 'bench', paths: [join(dir, 'docs')] });
    store.close();
    const s = report.elapsedMs / 1000;
    return [
      label,
      String(report.documents),
      String(report.chunks),
      fmt(report.documents / s, 1),
      fmt(report.bytes / 1e6 / s, 2),
      fmt(again.documents === 0 ? again.total / (again.elapsedMs / 1000) : Number.NaN, 0),
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A mailbox read message by message (streamed): rate, memory growth, and a re-run after one mail arrived. */
async function mailboxIngest(messages: number): Promise<string[]> {
  const dir = mkdtempSync(join(tmpdir(), 'flambeau-bench-mbox-'));
  try {
    const words = sentenceMaker(5);
    const mail = (i: number) => ({
      from: `sender${i % 50}@example.org`,
      to: 'me@example.org',
      date: 'Tue, 03 Mar 2026 10:00:00 +0000',
      subject: `Subject ${i}`,
      body: `${words(120)}.\n\n${words(120)}.`,
    });
    mkdirSync(join(dir, 'mail'));
    const path = join(dir, 'mail', 'archive.mbox');
    const mails = Array.from({ length: messages + 1 }, (_, i) => mail(i));
    writeFileSync(path, makeMbox(mails.slice(0, messages)));
    const store = openStore(join(dir, 'flambeau.db'));
    const knowledge = createKnowledge({ db: store.db, embedder: null });
    const rssBefore = process.memoryUsage().rss;
    let peak = rssBefore;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 10);
    const report = await knowledge.ingest({ collection: 'mail', paths: [join(dir, 'mail')] });
    clearInterval(sampler);
    writeFileSync(path, makeMbox(mails));
    const grown = await knowledge.ingest({ collection: 'mail', paths: [join(dir, 'mail')] });
    store.close();
    const s = report.elapsedMs / 1000;
    return [
      String(report.documents),
      String(report.chunks),
      fmt(report.documents / s, 0),
      fmt(report.bytes / 1e6 / s, 2),
      fmt(report.bytes / 1e6, 1),
      fmt((peak - rssBefore) / 1e6, 0),
      `${grown.documents} in ${fmt(grown.elapsedMs, 0)} ms`,
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function randomVector(random: () => number, dims: number): Float32Array {
  const v = new Float32Array(dims);
  for (let i = 0; i < dims; i++) v[i] = random() * 2 - 1;
  return v;
}

async function searchLatency(chunks: number, dims: number): Promise<string[]> {
  const dir = mkdtempSync(join(tmpdir(), 'flambeau-bench-search-'));
  try {
    const store = openStore(join(dir, 'flambeau.db'));
    const db = new KnowledgeDb(store.db);
    const random = rng(2);
    const words = sentenceMaker(3);
    const space = db.vectorSpace('bench-random', dims, Date.now());
    db.ensureCollection('bench', Date.now());
    const perFile = 100;
    const t0 = performance.now();
    for (let f = 0; f < chunks / perFile; f++) {
      const texts = Array.from({ length: perFile }, () => words(40));
      db.writeFile(
        {
          collection: 'bench',
          path: `/bench/file-${f}.md`,
          hash: String(f),
          size: 0,
          mtime: Date.now(),
          documents: [{ date: Date.now(), chunks: texts.map((text) => ({ text, start: 0, end: text.length })) }],
          vectors: { space, values: texts.map(() => randomVector(random, dims)) },
        },
        Date.now(),
      );
    }
    const loadSeconds = (performance.now() - t0) / 1000;
    let queryVector = randomVector(random, dims);
    const embedder: Embedder = { model: 'bench-random', embed: async (texts) => texts.map(() => queryVector) };
    const knowledge = createKnowledge({ db: store.db, embedder });
    // Hybrid search runs BM25 on a worker thread once it is up (a server starts it on its first
    // search); this loop never yields to the event loop, so wait for it here.
    const textThread = knowledge.db.textSearchThread();
    const concurrent = textThread === null ? false : await textThread.ready();
    const lat: Record<SearchMode, number[]> = { bm25: [], vector: [], hybrid: [] };
    let overlap = 0;
    let compared = 0;
    for (let i = 0; i < 120; i++) {
      const query = words(5);
      queryVector = randomVector(random, dims);
      for (const mode of ['hybrid', 'bm25', 'vector'] as SearchMode[]) {
        const start = performance.now();
        const hits = (await knowledge.search(query, { collections: ['bench'] }, { k: 10, mode })).hits;
        if (i >= 20) lat[mode].push(performance.now() - start); // the first ones warm the page cache
        // Recall@10 of the vector list against the exact sqlite-vec scan (1.0 when the search is exact).
        if (mode === 'vector' && i % 10 === 0) {
          const exact = new Set(db.searchVectorsExact(space, queryVector, { collections: ['bench'] }, 10).map((h) => h.id));
          overlap += hits.filter((h) => exact.has(h.chunk.id)).length;
          compared += exact.size;
        }
      }
    }
    // Searches right after a write (an ingest running beside the server): the vector index
    // applies the write instead of being rebuilt.
    const afterWrite: number[] = [];
    for (let i = 0; i < 11; i++) {
      const texts = Array.from({ length: perFile }, () => words(40));
      db.writeFile(
        {
          collection: 'bench',
          path: `/bench/late-${i}.md`,
          hash: String(i),
          size: 0,
          mtime: Date.now(),
          documents: [{ date: Date.now(), chunks: texts.map((text) => ({ text, start: 0, end: text.length })) }],
          vectors: { space, values: texts.map(() => randomVector(random, dims)) },
        },
        Date.now(),
      );
      queryVector = randomVector(random, dims);
      const start = performance.now();
      await knowledge.search(words(5), { collections: ['bench'] }, { k: 10 });
      afterWrite.push(performance.now() - start);
    }
    store.close();
    const p = (mode: SearchMode, q: number) => fmt(percentile(lat[mode], q), 2);
    return [
      String(chunks),
      String(dims),
      concurrent ? 'yes' : 'no',
      fmt(loadSeconds, 1),
      p('bm25', 50),
      p('bm25', 99),
      p('vector', 50),
      p('vector', 99),
      p('hybrid', 50),
      p('hybrid', 99),
      fmt(percentile(afterWrite, 50), 2),
      fmt(overlap / compared, 3),
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Recall@10 of the approximate vector path against sqlite-vec's exact scan, on random vectors
 * (the worst case for sign bits: the nearest are barely nearer than the rest) and on clustered
 * ones (points around 2000 topic centres, skewed to one side, as embeddings are); queries are
 * fresh points of the same distribution.
 */
async function vectorRecall(chunks: number, dims: number, kind: 'random' | 'clustered'): Promise<string[]> {
  const dir = mkdtempSync(join(tmpdir(), 'flambeau-bench-recall-'));
  try {
    const store = openStore(join(dir, 'flambeau.db'));
    const db = new KnowledgeDb(store.db, { textThread: false });
    const random = rng(4);
    const gauss = () => Math.sqrt(-2 * Math.log(random() + 1e-12)) * Math.cos(2 * Math.PI * random());
    const centres = Array.from({ length: 2000 }, () => Float32Array.from({ length: dims }, gauss));
    const point = (): Float32Array => {
      if (kind === 'random') return randomVector(random, dims);
      const centre = centres[Math.floor(random() * centres.length)] as Float32Array;
      return Float32Array.from(centre, (x) => x + gauss() + 0.5);
    };
    const space = db.vectorSpace(`bench-${kind}`, dims, 0);
    db.ensureCollection('bench', 0);
    for (let f = 0; f < chunks / 100; f++) {
      db.writeFile(
        {
          collection: 'bench',
          path: `/r/${f}`,
          hash: String(f),
          size: 0,
          mtime: 0,
          documents: [{ date: 0, chunks: Array.from({ length: 100 }, () => ({ text: 'x', start: 0, end: 1 })) }],
          vectors: { space, values: Array.from({ length: 100 }, point) },
        },
        0,
      );
    }
    let found = 0;
    const lat: number[] = [];
    for (let q = 0; q < 40; q++) {
      const query = point();
      const start = performance.now();
      const hits = db.searchVectors(space, query, { collections: ['bench'] }, 10);
      if (q > 0) lat.push(performance.now() - start); // the first builds the index
      const exact = new Set(db.searchVectorsExact(space, query, { collections: ['bench'] }, 10).map((h) => h.id));
      found += hits.filter((h) => exact.has(h.id)).length / 40;
    }
    store.close();
    return [kind, String(chunks), String(dims), fmt(percentile(lat, 50), 2), fmt(found / 10, 3)];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

interface Beir {
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
  return { corpus, queries, qrels };
}

function ndcgAt10(ranked: string[], relevant: Map<string, number>): number {
  const dcg = ranked.slice(0, 10).reduce((sum, id, i) => sum + (2 ** (relevant.get(id) ?? 0) - 1) / Math.log2(i + 2), 0);
  const ideal = [...relevant.values()]
    .sort((a, b) => b - a)
    .slice(0, 10)
    .reduce((sum, g, i) => sum + (2 ** g - 1) / Math.log2(i + 2), 0);
  return ideal === 0 ? 0 : dcg / ideal;
}

async function beirQuality(folder: string, embedder: Embedder): Promise<string[][]> {
  const data = readBeir(folder);
  const dir = mkdtempSync(join(tmpdir(), 'flambeau-bench-beir-'));
  try {
    const store = openStore(join(dir, 'flambeau.db'));
    const db = new KnowledgeDb(store.db);
    db.ensureCollection('beir', Date.now());
    for (let i = 0; i < data.corpus.length; i += 64) {
      const batch = data.corpus.slice(i, i + 64);
      const texts = batch.map((d) => (d.title ? `${d.title}\n${d.text}` : d.text));
      const vectors = await embedder.embed(texts, new AbortController().signal);
      const space = db.vectorSpace(embedder.model, (vectors[0] as Float32Array).length, Date.now());
      batch.forEach((doc, j) =>
        db.writeFile(
          {
            collection: 'beir',
            path: doc._id,
            hash: doc._id,
            size: 0,
            mtime: 0,
            documents: [{ date: 0, ...(doc.title ? { title: doc.title } : {}), chunks: [{ text: doc.text, start: 0, end: doc.text.length }] }],
            vectors: { space, values: [vectors[j] as Float32Array] },
          },
          0,
        ),
      );
    }
    const knowledge = createKnowledge({ db: store.db, embedder });
    const rows: string[][] = [];
    for (const mode of ['bm25', 'vector', 'hybrid'] as SearchMode[]) {
      let ndcg = 0;
      let recall = 0;
      let n = 0;
      for (const [id, relevant] of data.qrels) {
        const query = data.queries.get(id);
        if (query === undefined) continue;
        const hits = (await knowledge.search(query, { collections: ['beir'] }, { k: 100, mode })).hits;
        const ranked = [...new Set(hits.map((h) => h.chunk.path))];
        ndcg += ndcgAt10(ranked, relevant);
        recall += ranked.slice(0, 100).filter((d) => relevant.has(d)).length / relevant.size;
        n += 1;
      }
      rows.push([folder.split('/').filter(Boolean).at(-1) ?? folder, String(data.corpus.length), String(n), mode, fmt(ndcg / n, 3), fmt(recall / n, 3)]);
    }
    store.close();
    return rows;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function run(): Promise<void> {
  console.log('\n## knowledge: ingest, hybrid search, retrieval quality');
  const modelsDir = mkdtempSync(join(tmpdir(), 'flambeau-bench-models-'));
  const engine = createEngine({ idleTimeoutMs: 60_000, gpu: false, threads: 1, maxQueue: 64, logger: quiet });
  const provider = createLlamaCppProvider({ id: 'local', locality: 'device', engine });
  try {
    const models = await makeTestModels(modelsDir);
    const model = provider.embeddingModel?.({ name: 'test-gguf', model: 'flambeau-chat', path: models.chat, context: 1024, threads: 1 });
    if (model === undefined) throw new Error('the llamacpp provider cannot embed');
    const embedder = embedderOf(model, 'test-gguf', 32);

    console.log('\ningest (Markdown, ~3 KB per document, 4 sections; re-run = unchanged files skipped)');
    table(
      ['embedding', 'documents', 'chunks', 'docs/s', 'MB/s', 're-run files/s'],
      [await ingestRate(null, 'excluded', 400), await ingestRate(embedder, 'test GGUF, 1 thread', 100)],
    );

    console.log('\nmailbox ingest (one .mbox, streamed message by message, embedding excluded; then one mail appended)');
    table(['messages', 'chunks', 'messages/s', 'MB/s', 'mailbox MB', 'RSS growth MB', 're-run indexes'], [await mailboxIngest(10_000)]);

    console.log('\nsearch latency (ms, k=10; hybrid = BM25 (on a worker thread, beside) + vector KNN + RRF; target hybrid p50 <= 20 ms at 100k)');
    table(
      [
        'chunks',
        'dims',
        'bm25 thread',
        'load s',
        'bm25 p50',
        'bm25 p99',
        'vector p50',
        'vector p99',
        'hybrid p50',
        'hybrid p99',
        'hybrid p50 after a write',
        'vector recall@10 vs exact',
      ],
      [await searchLatency(10_000, 384), await searchLatency(100_000, 384)],
    );

    console.log('\napproximate vector search (1-bit index, asymmetric re-rank, exact re-score) against the exact scan');
    table(['vectors', 'count', 'dims', 'p50 ms', 'recall@10'], [await vectorRecall(100_000, 384, 'random'), await vectorRecall(100_000, 384, 'clustered')]);

    console.log('\nretrieval quality (BEIR layout; vectors from the test GGUF: a bag-of-words model, so vector ≈ folded BM25)');
    const folders = [
      fileURLToPath(new URL('./data/knowledge-beir-mini', import.meta.url)),
      ...(process.env.FLAMBEAU_BENCH_BEIR ?? '').split(':').filter((f) => f !== ''),
    ];
    const rows: string[][] = [];
    for (const folder of folders) rows.push(...(await beirQuality(folder, embedder)));
    table(['set', 'docs', 'queries', 'mode', 'nDCG@10', 'recall@100'], rows);
  } finally {
    await provider.close();
    await engine.shutdown();
    rmSync(modelsDir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await run();
