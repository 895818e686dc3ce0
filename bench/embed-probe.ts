// In-process probe of the two embedding paths, for profilers (callgrind counts instructions, which
// the shared machine's load does not change): embeds N texts with node-llama-cpp one text per
// decode, or with the batching addon (many texts per llama_decode, docs/decisions/0016), on the
// same model, same threads, and prints CPU ms per text of this process.
// `node --import tsx bench/embed-probe.ts per-text|batched [test|PATH.gguf] [words] [texts] [rounds]`
// Under callgrind: `valgrind --tool=callgrind --callgrind-out-file=/tmp/cg.%p node --import tsx
// bench/embed-probe.ts batched test 60 64 1` (then `callgrind_annotate --inclusive=yes /tmp/cg.*`).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getLlama } from 'node-llama-cpp';
import { BatchEmbedContext, DECODE_TOKENS, embeddingTokens, loadEmbedPath } from '../src/engine/batch-embedder.js';
import { rng } from '../src/knowledge/__fixtures__/seeded-random.js';
import { makeTestModels, TEST_MODEL_VOCABULARY } from '../test/fixtures/test-models.js';

const [mode = 'batched', which = 'test', wordsArg = '60', textsArg = '64', roundsArg = '3'] = process.argv.slice(2);
const words = Number(wordsArg);
const count = Number(textsArg);
const rounds = Number(roundsArg);
const contextSize = Number(process.env.PROBE_CONTEXT ?? 1024);
const threads = Number(process.env.PROBE_THREADS ?? 1);

const random = rng(7);
const vocabulary = [...TEST_MODEL_VOCABULARY, 'once', 'upon', 'a', 'time', 'little', 'girl', 'dog', 'park', 'sun'];
const texts = Array.from(
  { length: count },
  (_, i) => `Section ${i}\n${Array.from({ length: words }, () => vocabulary[Math.floor(vocabulary.length * random())]).join(' ')}.`,
);

const dir = mkdtempSync(join(tmpdir(), 'flambeau-embed-probe-'));
try {
  const path = which === 'test' ? (await makeTestModels(dir)).chat : which;
  const llama = await getLlama({ gpu: false, logLevel: 'error' as never });
  const model = await llama.loadModel({ modelPath: path, gpuLayers: 0 });
  let embedAll: () => Promise<Float32Array[]>;
  if (mode === 'per-text') {
    const context = await model.createEmbeddingContext({ contextSize, batchSize: contextSize, threads });
    embedAll = async () => {
      const out: Float32Array[] = [];
      for (const text of texts) out.push(Float32Array.from((await context.getEmbeddingFor(model.tokenize(text))).vector));
      return out;
    };
  } else {
    const embedPath = loadEmbedPath();
    if (embedPath.kind !== 'batched') throw new Error(embedPath.reason);
    const context = await BatchEmbedContext.create(embedPath.addon, { modelPath: path, gpuLayers: 0, contextSize, threads });
    const budget = Number(process.env.PROBE_DECODE_TOKENS ?? DECODE_TOKENS);
    embedAll = async () => {
      const lists = texts.map((text) => embeddingTokens(model, text));
      const out: Float32Array[] = [];
      let next = 0;
      while (next < lists.length) {
        const batch = [];
        let tokens = 0;
        while (next < lists.length && batch.length < context.sequences && (batch.length === 0 || tokens + lists[next]!.length <= budget)) {
          tokens += lists[next]!.length;
          batch.push(lists[next++]!);
        }
        out.push(...(await context.embed(batch)));
      }
      return out;
    };
  }
  await embedAll(); // warm up (graph reservation, first allocations)
  const tokens = texts.reduce((sum, text) => sum + model.tokenize(text).length, 0);
  for (let r = 0; r < rounds; r++) {
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const vectors = await embedAll();
    const cpu = process.cpuUsage(cpu0);
    const ms = performance.now() - t0;
    console.log(
      `${mode} ${which} ${words} words, ${count} texts (~${Math.round(tokens / count)} tokens): CPU ${((cpu.user + cpu.system) / 1000 / count).toFixed(3)} ms/text, wall ${(ms / count).toFixed(3)} ms/text, |v0| ${Math.hypot(...vectors[0]!).toFixed(6)}`,
    );
  }
  await llama.dispose();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
