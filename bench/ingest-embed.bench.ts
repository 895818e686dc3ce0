// Ingest embedding throughput: texts embedded per second, and CPU per text (engine + caller),
// through the embedder ingest and search use (knowledge/embedder.ts over the llamacpp provider and
// flambeau's engine process). Four ways, paired in every round (order rotated), on the same model:
// node-llama-cpp one text per decode (an engine with `batchEmbeddings: false`) and the batching
// addon (many texts per llama_decode, docs/decisions/0016), each with one text per engine call and
// with EMBED_BATCH_SIZE per call. Models: the repo's generated test GGUF and, when present,
// ../shared/models (stories260K, tiny-script-llama). One thread. Also whole `ingest` runs
// (files → chunks → vectors → SQLite) the four ways, in chunks/s.
// Standalone: `node --import tsx bench/ingest-embed.bench.ts [rounds] [chunks]`. With
// FLAMBEAU_EMBED_NO_CUT=1 the engines inherit it and the addon computes the whole graph (every
// token's logits) as before h-emb3: run both ways back to back to see what stopping at the final norm
// saves. In-process and under callgrind: bench/embed-probe.mjs.
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Engine } from '../src/engine/engine.js';
import { EMBED_BATCH_SIZE } from '../src/knowledge/embedder.js';
import { createKnowledge, embedderOf, type Embedder } from '../src/knowledge/index.js';
import { silentLogger, type Logger } from '../src/log/logger.js';
import { createLlamaCppProvider } from '../src/providers/llamacpp/llamacpp-provider.js';
import type { EmbeddingModel, ModelBinding } from '../src/providers/spec.js';
import { rng } from '../src/knowledge/__fixtures__/seeded-random.js';
import { openStore } from '../src/store/store.js';
import { makeTestModels, TEST_MODEL_VOCABULARY } from '../test/fixtures/test-models.js';
import { loadCreateEngine } from './engine-under-test.js';
import { fmt, percentile, processCpuSeconds, table } from './stats.js';

const SHARED = fileURLToPath(new URL('../../shared/models/', import.meta.url));

function chunkTexts(n: number, words: number, seed = 7): string[] {
  const random = rng(seed);
  const vocabulary = [...TEST_MODEL_VOCABULARY, 'once', 'upon', 'a', 'time', 'little', 'girl', 'dog', 'park', 'sun'];
  return Array.from(
    { length: n },
    (_, i) => `Section ${i}\n${Array.from({ length: words }, () => vocabulary[Math.floor(vocabulary.length * random())]).join(' ')}.`,
  );
}

interface Way {
  label: string;
  engine: Engine;
  perCall: number;
}
interface Sample {
  perSecond: number;
  cpuMsPerText: number;
}

export async function run(rounds = 5, chunks = 64): Promise<void> {
  console.log('\n## Ingest embeddings: one text per llama_decode vs many (batching addon), one or many texts per engine call');
  const { createEngine, from } = await loadCreateEngine();
  const paths: string[] = [];
  const logger: Logger = {
    ...silentLogger,
    info: (message, fields) => void (String(fields?.message ?? '').startsWith('embeddings:') && paths.push(String(fields?.message))),
    warn: (message, fields) => void (String(fields?.message ?? '').startsWith('embeddings:') && paths.push(String(fields?.message))),
  };
  const perTextEngine = createEngine({ idleTimeoutMs: 600_000, gpu: false, logLevel: 'info', logger, batchEmbeddings: false });
  const batchedEngine = createEngine({ idleTimeoutMs: 600_000, gpu: false, logLevel: 'info', logger });
  const providers = new Map([perTextEngine, batchedEngine].map((engine) => [engine, createLlamaCppProvider({ id: 'local', locality: 'device', engine })]));
  const ways: Way[] = [
    { label: 'per text, 1 per call (before)', engine: perTextEngine, perCall: 1 },
    { label: `per text, ${EMBED_BATCH_SIZE} per call (0016 first pass)`, engine: perTextEngine, perCall: EMBED_BATCH_SIZE },
    { label: 'batched, 1 per call', engine: batchedEngine, perCall: 1 },
    { label: `batched, ${EMBED_BATCH_SIZE} per call (now)`, engine: batchedEngine, perCall: EMBED_BATCH_SIZE },
  ];
  const embeddingModel = (engine: Engine, binding: ModelBinding): EmbeddingModel => {
    const model = providers.get(engine)?.embeddingModel?.(binding);
    if (model === undefined) throw new Error('no embedding model');
    return model;
  };
  const dir = mkdtempSync(join(tmpdir(), 'flambeau-bench-embed-'));
  try {
    const made = await makeTestModels(dir);
    const cases: { label: string; path: string; words: number }[] = [
      { label: 'test GGUF, 60-word chunks', path: made.chat, words: 60 },
      { label: 'test GGUF, 8-word queries', path: made.chat, words: 8 },
    ];
    for (const [file, name] of [
      ['stories260K.gguf', 'stories260K'],
      ['tiny-script-llama.gguf', 'tiny-script'],
    ] as const) {
      const path = join(SHARED, file);
      if (!existsSync(path)) continue;
      cases.push({ label: `${name}, 60-word chunks`, path, words: 60 }, { label: `${name}, 8-word queries`, path, words: 8 });
    }
    const rows: string[][] = [];
    const summary: string[] = [];
    for (const m of cases) {
      const texts = chunkTexts(chunks, m.words);
      const binding = { name: m.label, provider: 'local', model: m.label, path: m.path, context: 1024, threads: 1 } as ModelBinding;
      const embedders = ways.map((way) => embedderOf(embeddingModel(way.engine, binding), m.label, way.perCall));
      const rate = async (way: Way, embedder: Embedder): Promise<Sample> => {
        const pid = way.engine.status().pid;
        const cpu0 = (pid === null ? 0 : await processCpuSeconds(pid)) * 1000;
        const own0 = process.cpuUsage();
        const t0 = performance.now();
        const vectors = await embedder.embed(texts, new AbortController().signal);
        const ms = performance.now() - t0;
        const own = process.cpuUsage(own0);
        const cpu = (pid === null ? 0 : await processCpuSeconds(pid)) * 1000 - cpu0 + (own.user + own.system) / 1000;
        if (vectors.length !== texts.length) throw new Error('vectors missing');
        return { perSecond: (texts.length / ms) * 1000, cpuMsPerText: cpu / texts.length };
      };
      for (const [i, way] of ways.entries()) await rate(way, embedders[i] as Embedder); // load, warm up
      const samples = ways.map(() => [] as Sample[]);
      for (let r = 0; r < rounds; r++) {
        for (let k = 0; k < ways.length; k++) {
          const i = (r + k) % ways.length;
          samples[i]?.push(await rate(ways[i] as Way, embedders[i] as Embedder));
        }
      }
      const column = (i: number, f: (s: Sample) => number) => (samples[i] ?? []).map(f);
      ways.forEach((way, i) => {
        const rates = column(i, (s) => s.perSecond);
        rows.push([
          m.label,
          way.label,
          fmt(percentile(rates, 50), 0),
          `${fmt(Math.min(...rates), 0)}–${fmt(Math.max(...rates), 0)}`,
          fmt(
            percentile(
              column(i, (s) => s.cpuMsPerText),
              50,
            ),
            2,
          ),
        ]);
      });
      const paired = (a: number, b: number) => {
        const ratios = (samples[a] ?? []).map((s, r) => s.perSecond / (samples[b]?.[r]?.perSecond ?? Number.NaN));
        return `${fmt(percentile(ratios, 50), 2)}× (rounds ${fmt(Math.min(...ratios), 2)}–${fmt(Math.max(...ratios), 2)})`;
      };
      summary.push(
        `${m.label}: batched ${EMBED_BATCH_SIZE}/call vs per text 1/call ${paired(3, 0)}; vs batched 1/call ${paired(3, 2)}; vs per text ${EMBED_BATCH_SIZE}/call ${paired(3, 1)}`,
      );
    }
    console.log(`${chunks} texts per round, ${rounds} interleaved rounds (order rotated), 1 thread, context 1024; engine from ${from}`);
    for (const line of new Set(paths)) console.log(`engine said: ${line}`);
    table(['model, texts', 'embedding', 'texts/s (median)', 'texts/s (range)', 'CPU ms per text (engine + caller)'], rows);
    console.log('paired medians of texts/s ratios:');
    for (const line of summary) console.log(`  ${line}`);

    // Whole ingests: 20 Markdown files of 4 sections of 70 words, with the test GGUF, the four ways interleaved.
    const docs = join(dir, 'docs');
    mkdirSync(docs);
    const sections = chunkTexts(80, 70, 11);
    for (let f = 0; f < 20; f++)
      writeFileSync(
        join(docs, `doc-${f}.md`),
        `# Document ${f}\n\n${sections
          .slice(f * 4, f * 4 + 4)
          .map((w, s) => `## Part ${s}\n\n${w}`)
          .join('\n\n')}\n`,
      );
    const binding = { name: 'test', provider: 'local', model: 'test', path: made.chat, context: 1024, threads: 1 } as ModelBinding;
    const ingestRates = ways.map(() => [] as number[]);
    const ingestCpu = ways.map(() => [] as number[]);
    let counted = { documents: 0, chunks: 0 };
    const ingestOnce = async (i: number, round: number) => {
      const way = ways[i] as Way;
      const pid = way.engine.status().pid;
      const cpu0 = (pid === null ? 0 : await processCpuSeconds(pid)) * 1000;
      const own0 = process.cpuUsage();
      const store = openStore(join(dir, `ingest-${i}-${round}.db`));
      const knowledge = createKnowledge({ db: store.db, embedder: embedderOf(embeddingModel(way.engine, binding), 'test', way.perCall) });
      const report = await knowledge.ingest({ collection: 'bench', paths: [docs] });
      store.close();
      const own = process.cpuUsage(own0);
      const cpu = (pid === null ? 0 : await processCpuSeconds(pid)) * 1000 - cpu0 + (own.user + own.system) / 1000;
      counted = { documents: report.documents, chunks: report.chunks };
      return { rate: report.chunks / (report.elapsedMs / 1000), cpuMsPerChunk: cpu / report.chunks };
    };
    for (let i = 0; i < ways.length; i++) await ingestOnce(i, -1); // warm up
    for (let r = 0; r < rounds; r++) {
      for (let k = 0; k < ways.length; k++) {
        const i = (r + k) % ways.length;
        const { rate, cpuMsPerChunk } = await ingestOnce(i, r);
        ingestRates[i]?.push(rate);
        ingestCpu[i]?.push(cpuMsPerChunk);
      }
    }
    console.log(`\nwhole ingest, test GGUF: ${counted.documents} files, ${counted.chunks} chunks per run, ${rounds} interleaved rounds:`);
    table(
      ['embedding', 'chunks/s (median)', 'chunks/s (range)', 'CPU ms per chunk (engine + ingest process, median)'],
      ways.map((way, i) => {
        const rates = ingestRates[i] ?? [];
        return [
          way.label,
          fmt(percentile(rates, 50), 0),
          `${fmt(Math.min(...rates), 0)}–${fmt(Math.max(...rates), 0)}`,
          fmt(percentile(ingestCpu[i] ?? [], 50), 2),
        ];
      }),
    );
    const ingestPaired = (ingestRates[3] ?? []).map((rate, r) => rate / (ingestRates[0]?.[r] ?? Number.NaN));
    console.log(`  batched ${EMBED_BATCH_SIZE}/call vs per text 1/call, paired median ${fmt(percentile(ingestPaired, 50), 2)}×`);
  } finally {
    await Promise.all([perTextEngine.shutdown(), batchedEngine.shutdown()]);
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await run(Number(process.argv[2] ?? 5), Number(process.argv[3] ?? 64));
}
