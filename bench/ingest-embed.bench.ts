// Ingest embedding throughput: texts embedded per second, and CPU per text (engine + caller),
// through the embedder ingest and search use (knowledge/embedder.ts over the llamacpp provider and
// flambeau's engine process), one text per engine call against batches per call, on the same
// model, interleaved rounds, medians. Models: the repo's generated test GGUF and, when present,
// ../shared/models/stories260K.gguf. One thread. Also a whole `ingest` run (files → chunks →
// vectors → SQLite) both ways, in chunks/s.
// Standalone: `node --import tsx bench/ingest-embed.bench.ts [rounds] [chunks]`.
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { EMBED_BATCH_SIZE } from '../src/knowledge/embedder.js';
import { createKnowledge, embedderOf, type Embedder } from '../src/knowledge/index.js';
import { createLlamaCppProvider } from '../src/providers/llamacpp/llamacpp-provider.js';
import type { ModelBinding } from '../src/providers/spec.js';
import { rng } from '../src/knowledge/__fixtures__/seeded-random.js';
import { openStore } from '../src/store/store.js';
import { makeTestModels, TEST_MODEL_VOCABULARY } from '../test/fixtures/test-models.js';
import { loadCreateEngine } from './engine-under-test.js';
import { fmt, percentile, processCpuSeconds, table } from './stats.js';

const STORIES = fileURLToPath(new URL('../../shared/models/stories260K.gguf', import.meta.url));

function chunkTexts(n: number, words: number): string[] {
  const random = rng(7);
  const vocabulary = [...TEST_MODEL_VOCABULARY, 'once', 'upon', 'a', 'time', 'little', 'girl', 'dog', 'park', 'sun'];
  return Array.from(
    { length: n },
    (_, i) => `Section ${i}\n${Array.from({ length: words }, () => vocabulary[Math.floor(vocabulary.length * random())]).join(' ')}.`,
  );
}

export async function run(rounds = 4, chunks = 32): Promise<void> {
  console.log('\n## Ingest embeddings: one chunk per engine call vs batches of chunks per call');
  const { createEngine, from } = await loadCreateEngine();
  const engine = createEngine({ idleTimeoutMs: 600_000, gpu: false, logLevel: 'error' });
  const provider = createLlamaCppProvider({ id: 'local', locality: 'device', engine });
  const dir = mkdtempSync(join(tmpdir(), 'flambeau-bench-embed-'));
  try {
    const made = await makeTestModels(dir);
    // stories260K costs ~0.4 ms of CPU per token to embed: query-sized texts only.
    const cases: { label: string; path: string; words: number }[] = [
      { label: 'test GGUF, chunks of 60 words', path: made.chat, words: 60 },
      { label: 'test GGUF, queries of 8 words', path: made.chat, words: 8 },
    ];
    if (existsSync(STORIES)) cases.push({ label: 'stories260K, queries of 8 words', path: STORIES, words: 8 });
    const rows: string[][] = [];
    const summary: string[] = [];
    for (const m of cases) {
      const texts = chunkTexts(chunks, m.words);
      const binding = { name: m.label, provider: 'local', model: m.label, path: m.path, context: 512, threads: 1 } as ModelBinding;
      const model = provider.embeddingModel?.(binding);
      if (model === undefined) throw new Error('no embedding model');
      const modes: [string, Embedder][] = [
        ['1 chunk per call', embedderOf(model, m.label, 1)],
        [`${EMBED_BATCH_SIZE} per call (default)`, embedderOf(model, m.label)],
      ];
      const rate = async (embedder: Embedder) => {
        const pid = engine.status().pid;
        const cpu0 = (pid === null ? 0 : await processCpuSeconds(pid)) * 1000;
        const own0 = process.cpuUsage();
        const t0 = performance.now();
        const vectors = await embedder.embed(texts, new AbortController().signal);
        const ms = performance.now() - t0;
        const own = process.cpuUsage(own0);
        const cpu = (pid === null ? 0 : await processCpuSeconds(pid)) * 1000 - cpu0 + (own.user + own.system) / 1000;
        if (vectors.length !== texts.length) throw new Error('vectors missing');
        return { perSecond: (texts.length / ms) * 1000, cpuMsPerChunk: cpu / texts.length };
      };
      for (const [, embedder] of modes) await rate(embedder); // load, warm up
      const samples = modes.map(() => [] as { perSecond: number; cpuMsPerChunk: number }[]);
      for (let r = 0; r < rounds; r++) {
        const order = r % 2 === 0 ? [0, 1] : [1, 0];
        for (const i of order) samples[i]?.push(await rate((modes[i] as [string, Embedder])[1]));
      }
      const med = (i: number, f: (s: { perSecond: number; cpuMsPerChunk: number }) => number) => percentile((samples[i] ?? []).map(f), 50);
      modes.forEach(([label], i) =>
        rows.push([
          m.label,
          label,
          fmt(
            med(i, (s) => s.perSecond),
            0,
          ),
          fmt(
            med(i, (s) => s.cpuMsPerChunk),
            2,
          ),
        ]),
      );
      const paired = (samples[1] ?? []).map((s, i) => s.perSecond / (samples[0]?.[i]?.perSecond ?? Number.NaN));
      const cpuPaired = (samples[1] ?? []).map((s, i) => (samples[0]?.[i]?.cpuMsPerChunk ?? Number.NaN) / s.cpuMsPerChunk);
      summary.push(
        `${m.label}: batched / one per call: chunks/s ${fmt(percentile(paired, 50), 2)}×, CPU per chunk ${fmt(percentile(cpuPaired, 50), 2)}× less (medians of paired rounds)`,
      );
    }
    console.log(`${chunks} texts per round, ${rounds} interleaved rounds, 1 thread; engine from ${from}`);
    table(['model', 'calls', 'chunks/s (median)', 'CPU ms per chunk (engine + caller)'], rows);
    for (const line of summary) console.log(line);

    // A whole ingest: 20 Markdown files of 4 sections, with the test GGUF.
    const docs = join(dir, 'docs');
    mkdirSync(docs);
    const words = chunkTexts(400, 70);
    for (let f = 0; f < 20; f++)
      writeFileSync(
        join(docs, `doc-${f}.md`),
        `# Document ${f}\n\n${words
          .slice(f * 4, f * 4 + 4)
          .map((w, s) => `## Part ${s}\n\n${w}`)
          .join('\n\n')}\n`,
      );
    const binding = { name: 'test', provider: 'local', model: 'test', path: made.chat, context: 512, threads: 1 } as ModelBinding;
    const model = provider.embeddingModel?.(binding);
    if (model === undefined) throw new Error('no embedding model');
    const ingestRows: string[][] = [];
    for (const [label, embedder] of [
      ['1 chunk per call', embedderOf(model, 'test', 1)],
      [`${EMBED_BATCH_SIZE} per call (default)`, embedderOf(model, 'test')],
    ] as const) {
      const store = openStore(join(dir, `${label.replace(/\W+/g, '-')}.db`));
      const knowledge = createKnowledge({ db: store.db, embedder });
      const report = await knowledge.ingest({ collection: 'bench', paths: [docs] });
      store.close();
      ingestRows.push([label, String(report.documents), String(report.chunks), fmt(report.chunks / (report.elapsedMs / 1000), 0)]);
    }
    console.log('\nwhole ingest, test GGUF, 20 files of 4 sections:');
    table(['embedding calls', 'documents', 'chunks', 'chunks/s'], ingestRows);
  } finally {
    await engine.shutdown();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await run(Number(process.argv[2] ?? 4), Number(process.argv[3] ?? 32));
}
