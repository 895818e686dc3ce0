// In-process probe of the two embedding paths on the compiled engine (dist/, `npm run build`),
// for profilers: callgrind counts instructions, which the shared machine's load does not change.
// Embeds N texts twice (warm-up, then measured) with node-llama-cpp one text per decode, or with
// the batching addon (many texts per llama_decode, docs/decisions/0016), same model, one thread,
// context 1024, and prints CPU ms per text of this process. Plain JavaScript, so that valgrind
// does not also run tsx's compiler.
//   node bench/embed-probe.mjs per-text|batched MODEL.gguf [words] [texts]
//   valgrind --tool=callgrind --toggle-collect=llama_decode --callgrind-out-file=/tmp/cg.out \
//     node bench/embed-probe.mjs batched MODEL.gguf 60 16 && callgrind_annotate /tmp/cg.out
// FLAMBEAU_EMBED_NO_CUT=1: the addon runs the whole graph (logits included), as before h-emb3.
import { getLlama } from 'node-llama-cpp';
import { BatchEmbedContext, DECODE_TOKENS, embeddingTokens, loadEmbedPath } from '../dist/engine/batch-embedder.js';

const [mode = 'batched', path, words = 60, count = 16] = process.argv.slice(2);
if (path === undefined) throw new Error('usage: node bench/embed-probe.mjs per-text|batched MODEL.gguf [words] [texts]');
// Words of the test models' vocabulary (test/fixtures/test-model-vocabulary.ts) and a few others.
const vocabulary = ['meeting', 'budget', 'invoice', 'project', 'report', 'deadline', 'contract', 'client', 'customer', 'team', 'manager', 'office'];
vocabulary.push('salary', 'payment', 'bank', 'tax', 'price', 'order', 'delivery', 'product', 'the', 'and', 'once', 'upon', 'a', 'time');
vocabulary.push('little', 'girl', 'dog', 'park', 'sun');
let seed = 7;
const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
const texts = Array.from(
  { length: Number(count) },
  (_, i) => `Section ${i}\n${Array.from({ length: Number(words) }, () => vocabulary[Math.floor(vocabulary.length * random())]).join(' ')}.`,
);

const llama = await getLlama({ gpu: false, logLevel: 'error' });
const model = await llama.loadModel({ modelPath: path, gpuLayers: 0 });
let embedAll;
if (mode === 'per-text') {
  const context = await model.createEmbeddingContext({ contextSize: 1024, batchSize: 1024, threads: 1 });
  embedAll = async () => {
    for (const text of texts) await context.getEmbeddingFor(model.tokenize(text));
  };
} else {
  const embedPath = loadEmbedPath();
  if (embedPath.kind !== 'batched') throw new Error(embedPath.reason);
  const context = await BatchEmbedContext.create(embedPath.addon, { modelPath: path, gpuLayers: 0, contextSize: 1024, threads: 1 });
  console.log(`addon pools at the final norm: ${context.poolsHere}`);
  const budget = Number(process.env.PROBE_DECODE_TOKENS ?? DECODE_TOKENS);
  embedAll = async () => {
    const lists = texts.map((text) => embeddingTokens(model, text));
    let next = 0;
    while (next < lists.length) {
      const batch = [];
      let tokens = 0;
      while (next < lists.length && batch.length < context.sequences && (batch.length === 0 || tokens + lists[next].length <= budget)) {
        tokens += lists[next].length;
        batch.push(lists[next++]);
      }
      await context.embed(batch);
    }
  };
}
await embedAll();
const tokens = texts.reduce((sum, text) => sum + model.tokenize(text).length, 0);
const cpu0 = process.cpuUsage();
await embedAll();
const cpu = process.cpuUsage(cpu0);
console.log(
  `${mode}, ${texts.length} texts of ${(tokens / texts.length).toFixed(0)} tokens: CPU ${((cpu.user + cpu.system) / 1000 / texts.length).toFixed(3)} ms per text`,
);
await llama.dispose();
