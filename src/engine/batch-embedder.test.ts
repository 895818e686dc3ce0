import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { getLlama, LlamaLogLevel, type Llama } from 'node-llama-cpp';
import { makeTestModels, TEST_MODEL_VOCABULARY } from '../../test/fixtures/test-models.js';
import { FlambeauError } from '../errors/index.js';
import { BatchEmbedContext, embeddingTokens, loadEmbedPath, loadedLibllama, type EmbedPath } from './batch-embedder.js';
import type { ResolvedModelSpec } from './engine-protocol.js';
import { runEmbedJob } from './llama-embed-job.js';
import { LlamaRuntime } from './llama-runtime.js';
import type { LoadedModel } from './loaded-model.js';

// In process: node-llama-cpp's getLlama() first, then the addon binds the libllama it loaded.
const BUILT = existsSync(fileURLToPath(new URL('../../native/build/flambeau-embed.node', import.meta.url)));
const noEvents = { loadChanged: () => {}, threads: () => {} };

let dir = '';
let llama: Llama;
let path: EmbedPath;
let spec: ResolvedModelSpec;
let batched: LoadedModel | null = null;
let perText: LoadedModel;
const runtimes: LlamaRuntime[] = [];

/** `n` words of the test model's vocabulary, deterministic. */
const words = (n: number, seed: number) =>
  Array.from({ length: n }, (_, i) => TEST_MODEL_VOCABULARY[(seed * 7 + i * 13) % TEST_MODEL_VOCABULARY.length]).join(' ');
const signal = () => new AbortController().signal;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'flambeau-batch-embed-'));
  const models = await makeTestModels(dir);
  llama = await getLlama({ build: 'never', gpu: false, maxThreads: 1, logLevel: LlamaLogLevel.error });
  path = loadEmbedPath();
  spec = { name: 'test', path: models.chat, contextSize: 512, threads: 1, parallel: 1 };
  const load = (embedPath: EmbedPath) => {
    const runtime = new LlamaRuntime(Promise.resolve(llama), noEvents, Promise.resolve(embedPath));
    runtimes.push(runtime);
    return runtime.model('key', spec);
  };
  perText = await load({ kind: 'per-text', reason: 'the reference' });
  if (path.kind === 'batched') batched = await load(path);
});

after(async () => {
  for (const runtime of runtimes) await runtime.unload('key');
  await llama?.dispose();
  await rm(dir, { recursive: true, force: true });
});

describe('the batched embedding path', () => {
  it('is the one used when the addon is built (CI builds it), bound to the one libllama in the process', async (t) => {
    if (process.env.CI === 'true') assert.ok(BUILT, 'CI builds native/build/flambeau-embed.node (npm ci runs npm run build)');
    if (!BUILT) return t.skip('native addon not built here (npm run build says why)');
    assert.equal(path.kind, 'batched', path.kind === 'per-text' ? path.reason : '');
    assert.ok(batched);
    const embedding = await batched.embedding();
    assert.equal(embedding.kind, 'batched');
    // The addon's model and context run on node-llama-cpp's libllama: still one copy mapped.
    assert.equal(loadedLibllama(readFileSync('/proc/self/maps', 'utf8')).length, 1);
  });

  it('gives the vectors of one text per decode, for texts of different lengths in one decode', async (t) => {
    if (!batched) return t.skip('native addon not built here');
    const input = ['zanzibar', words(8, 1), words(60, 2), words(3, 3), words(150, 4), 'Bonjour'];
    const embedding = await batched.embedding();
    assert.equal(embedding.kind, 'batched');
    // The test GGUF (llama, mean pooling) is pooled by the addon, without the logits of every token.
    assert.equal(embedding.context.poolsHere, true);
    const decodes = embedding.context.decodes;
    const got = await runEmbedJob(batched, 'test', input, signal());
    assert.equal(embedding.context.decodes - decodes, 1, 'six texts, one llama_decode');
    const want = await runEmbedJob(perText, 'test', input, signal());
    assert.equal(got.inputTokens, want.inputTokens);
    assertClose(got.vectors, want.vectors);
  });

  it('splits a call into decodes by sequences and by context tokens, vectors unchanged', async (t) => {
    if (!batched) return t.skip('native addon not built here');
    const embedding = await batched.embedding();
    assert.equal(embedding.kind, 'batched');
    // 70 short texts: 64 sequences, then 6. Then 5 texts of ~200 tokens in a context of 512: 3 decodes.
    const many = Array.from({ length: 70 }, (_, i) => words(1 + (i % 5), i));
    const long = Array.from({ length: 5 }, (_, i) => words(195, i));
    for (const [input, expectedDecodes] of [
      [many, 2],
      [long, 3],
    ] as const) {
      const start: number = embedding.context.decodes;
      const got = await runEmbedJob(batched, 'test', [...input], signal());
      assert.equal(embedding.context.decodes - start, expectedDecodes);
      const want = await runEmbedJob(perText, 'test', [...input], signal());
      assert.equal(got.inputTokens, want.inputTokens);
      assertClose(got.vectors, want.vectors);
    }
  });

  it('evaluates the tokens node-llama-cpp evaluates (BOS/EOS included)', async () => {
    const embedding = await perText.embedding();
    assert.equal(embedding.kind, 'per-text');
    for (const text of ['zanzibar', words(20, 5), ' leading space', 'Bonjour from flambeau.']) {
      assert.equal(embeddingTokens(perText.model, text).length, embedding.context.calculateInputLength(text));
    }
  });

  it('fails as one text per decode does: empty input, too long input, aborted', async (t) => {
    if (!batched) return t.skip('native addon not built here');
    const cases: [string, string[], AbortSignal][] = [
      ['empty', ['Bonjour', 'zanzibar', ''], signal()],
      ['too long', ['Bonjour', words(600, 1)], signal()],
      ['aborted', ['Bonjour'], AbortSignal.abort()],
    ];
    for (const [label, input, abort] of cases) {
      const failure = async (loaded: LoadedModel) => {
        try {
          await runEmbedJob(loaded, 'test', input, abort);
        } catch (thrown) {
          assert.ok(thrown instanceof FlambeauError, label);
          return { code: thrown.code, message: thrown.message, param: thrown.param, details: thrown.details };
        }
        assert.fail(`${label}: no error`);
      };
      assert.deepEqual(await failure(batched), await failure(perText), label);
    }
  });
});

describe('loadEmbedPath', () => {
  it('falls back to one text per decode when the addon is missing or built for another llama.cpp', async () => {
    const missing = loadEmbedPath(join(dir, 'nothing-here'));
    assert.equal(missing.kind, 'per-text');
    const other = join(dir, 'other');
    await rm(other, { recursive: true, force: true });
    await import('node:fs/promises').then((fs) => fs.mkdir(other));
    await writeFile(join(other, 'flambeau-embed.node'), 'not a shared object');
    await writeFile(join(other, 'flambeau-embed.json'), JSON.stringify({ llamaCpp: 'v0.0.0-other' }));
    const stale = loadEmbedPath(other);
    assert.equal(stale.kind, 'per-text');
    assert.match(stale.kind === 'per-text' ? stale.reason : '', /built for llama\.cpp v0\.0\.0-other/);
    const none = loadEmbedPath(other, () => '');
    assert.match(none.kind === 'per-text' ? none.reason : '', /found 0/);
  });

  it('embeds a model one text per decode, with a warning, when the addon cannot load it', async () => {
    const failing = {
      kind: 'batched',
      detail: 'a stand-in whose load fails',
      addon: { load: () => Promise.reject(new Error('cannot load')) },
    } as unknown as EmbedPath;
    const warnings: string[] = [];
    const runtime = new LlamaRuntime(Promise.resolve(llama), { ...noEvents, warn: (message) => warnings.push(message) }, Promise.resolve(failing));
    runtimes.push(runtime);
    const loaded = await runtime.model('key', spec);
    assert.equal((await loaded.embedding()).kind, 'per-text');
    assert.deepEqual(warnings, ["embeddings of 'test': one text per llama_decode (the batching addon failed: Error: cannot load)"]);
    const got = await runEmbedJob(loaded, 'test', ['Bonjour', 'zanzibar'], signal());
    assertClose(got.vectors, (await runEmbedJob(perText, 'test', ['Bonjour', 'zanzibar'], signal())).vectors);
  });

  it('reads the libllama files mapped into a process', () => {
    const maps = [
      '7f1c0000-7f1c1000 r--p 00000000 08:01 42   /x/bins/linux-x64/libllama.v0.4.0.so',
      '7f1c1000-7f1c9000 r-xp 00001000 08:01 42   /x/bins/linux-x64/libllama.v0.4.0.so',
      '7f1d0000-7f1d1000 r--p 00000000 08:01 43   /x/bins/linux-x64/libllama-common.so',
      '7f1e0000-7f1e1000 r--p 00000000 08:01 44   /usr/lib/libllama.so',
      '7ffd0000-7ffd1000 rw-p 00000000 00:00 0    [stack]',
    ].join('\n');
    assert.deepEqual(loadedLibllama(maps), ['/x/bins/linux-x64/libllama.v0.4.0.so', '/usr/lib/libllama.so']);
  });

  it('serialises decodes on one context and refuses work once disposed', async (t) => {
    if (path.kind !== 'batched') return t.skip('native addon not built here');
    const context = await BatchEmbedContext.create(path.addon, { modelPath: spec.path, gpuLayers: 0, contextSize: 256, threads: 1, sequences: 4 });
    assert.deepEqual([context.contextSize, context.sequences, context.threads], [256, 4, 1]);
    const tokens = (text: string) => embeddingTokens(perText.model, text);
    const [a, b] = await Promise.all([context.embed([tokens('Bonjour'), tokens('zanzibar')]), context.embed([tokens('zanzibar')])]);
    assertClose([a[1] ?? new Float32Array()], b);
    assert.equal(context.decodes, 2);
    await context.dispose();
    await assert.rejects(context.embed([tokens('Bonjour')]), /disposed/);
  });
});

/** Same count, same sizes, every component within 1e-5 of the reference (absolute, or relative for large ones). */
function assertClose(got: Float32Array[], want: Float32Array[]): void {
  assert.equal(got.length, want.length);
  got.forEach((vector, i) => {
    const reference = want[i] ?? new Float32Array();
    assert.equal(vector.length, reference.length, `vector ${i} size`);
    assert.ok(vector.length > 0);
    let worst = 0;
    vector.forEach((value, j) => {
      const expected = reference[j] ?? Number.NaN;
      worst = Math.max(worst, Math.abs(value - expected) / Math.max(1, Math.abs(expected)));
    });
    assert.ok(worst <= 1e-5, `vector ${i} differs by ${worst}`);
  });
}
