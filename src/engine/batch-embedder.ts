import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LlamaVocabularyType, type LlamaModel, type Token } from 'node-llama-cpp';
import { scrubbed } from './wire-error.js';

/**
 * Texts per llama_decode (llama.cpp's sequences of the embedding context). The gateway sends at
 * most EMBED_BATCH_SIZE (64) texts per engine call, so one call is one decode when they fit.
 */
export const EMBED_SEQUENCES = 64;

/**
 * Tokens one decode takes when the inputs are many (a longer input still goes alone). The inputs of
 * a decode share one attention over all their tokens, masked per sequence, so a decode costs more
 * per token as it grows: measured on the CPU with the test GGUF and stories260K (docs/decisions/0016),
 * 256-1024 tokens cost least per text and 4096 up to 2.5× more. llama.cpp's own default ubatch is 512.
 */
export const DECODE_TOKENS = 512;

/** Where scripts/build-native.mjs puts the addon: from src/engine or dist/engine, two levels up. */
const ADDON_DIR = fileURLToPath(new URL('../../native/build/', import.meta.url));

/** The surface of native/flambeau-embed.c. */
interface NativeEmbed {
  init(libllamaPath: string): void;
  load(modelPath: string, gpuLayers: number, contextSize: number, sequences: number, threads: number): Promise<NativeHandle>;
  embed(handle: NativeHandle, tokens: Int32Array, lengths: Int32Array): Promise<Float32Array>;
  info(handle: NativeHandle): {
    embeddingSize: number;
    pooling: number;
    contextSize: number;
    sequences: number;
    threads: number;
    decodes: number;
    poolsHere: number;
  };
  free(handle: NativeHandle): void;
}
declare const nativeHandle: unique symbol;
type NativeHandle = { readonly [nativeHandle]: true };

/** Which path embeds in this engine process, and why (logged once at engine start). */
export type EmbedPath = { kind: 'batched'; addon: NativeEmbed; detail: string } | { kind: 'per-text'; reason: string };

/**
 * Binds the batched-embedding addon to the libllama node-llama-cpp has loaded. Call it only after
 * `getLlama()` resolved: the addon dlopens libllama with RTLD_NOLOAD (never a second copy) and
 * needs the ggml backends node-llama-cpp registered. Never throws: any problem gives `per-text`.
 *
 * Guards against the two ways it can break: a libllama of another llama.cpp release than the
 * headers the addon was compiled with (the struct layouts of llama.h would differ: refused), and
 * no addon at all (not built: no compiler, not Linux).
 */
export function loadEmbedPath(addonDir: string = ADDON_DIR, maps: () => string = () => readFileSync('/proc/self/maps', 'utf8')): EmbedPath {
  try {
    const file = join(addonDir, 'flambeau-embed.node');
    if (!existsSync(file)) return { kind: 'per-text', reason: 'the native addon is not built (npm run build prints why)' };
    const built = JSON.parse(readFileSync(join(addonDir, 'flambeau-embed.json'), 'utf8')) as { llamaCpp?: unknown };
    const libraries = loadedLibllama(maps());
    const [library] = libraries;
    if (library === undefined || libraries.length !== 1) {
      return { kind: 'per-text', reason: `expected one libllama in the process, found ${libraries.length}` };
    }
    const release = llamaCppRelease(dirname(library));
    if (release === null || release !== built.llamaCpp) {
      return {
        kind: 'per-text',
        reason: `the addon was built for llama.cpp ${String(built.llamaCpp)} but node-llama-cpp runs ${release ?? 'an unknown release'} (run npm run build)`,
      };
    }
    const addon = createRequire(import.meta.url)(file) as NativeEmbed;
    addon.init(library);
    return { kind: 'batched', addon, detail: `llama.cpp ${release}, ${library}` };
  } catch (thrown) {
    return { kind: 'per-text', reason: `the native addon failed to load: ${scrubbed(thrown)}` };
  }
}

/** The distinct libllama files mapped into this process, from the text of /proc/self/maps. */
export function loadedLibllama(maps: string): string[] {
  const paths = new Set<string>();
  for (const line of maps.split('\n')) {
    const path = line.slice(line.indexOf('/'));
    if (line.includes('/') && /\/libllama(?:\.v[\w.]+)?\.so[\w.]*$/.test(path)) paths.add(path);
  }
  return [...paths];
}

/** The llama.cpp release node-llama-cpp's binary folder declares (its `_nlcBuildMetadata.json`). */
function llamaCppRelease(binaryDir: string): string | null {
  try {
    const metadata = JSON.parse(readFileSync(join(binaryDir, '_nlcBuildMetadata.json'), 'utf8')) as {
      buildOptions?: { llamaCpp?: { release?: unknown } };
    };
    const release = metadata.buildOptions?.llamaCpp?.release;
    return typeof release === 'string' ? release : null;
  } catch {
    return null;
  }
}

/**
 * The tokens node-llama-cpp's embedding context evaluates for a text: the model's tokens with
 * BOS/EOS (or CLS/SEP) added as `LlamaEmbeddingContext._prepareInput` does in 3.21.1 (that method
 * is internal, and the batched path makes no node-llama-cpp embedding context).
 */
export function embeddingTokens(model: LlamaModel, text: string): Token[] {
  const tokens = model.tokenize(text);
  const type = model.vocabularyType;
  const begin =
    type === LlamaVocabularyType.rwkv || type === LlamaVocabularyType.ugm
      ? null
      : type === LlamaVocabularyType.wpm
        ? model.tokens.bos
        : model.tokens.shouldPrependBosToken
          ? model.tokens.bos
          : null;
  const end =
    type === LlamaVocabularyType.rwkv
      ? null
      : type === LlamaVocabularyType.wpm
        ? model.tokens.sep
        : type === LlamaVocabularyType.ugm
          ? model.tokens.eos
          : model.tokens.shouldAppendEosToken
            ? model.tokens.eos
            : null;
  if (begin != null && tokens[0] !== begin) tokens.unshift(begin);
  if (end != null && tokens.at(-1) !== end) tokens.push(end);
  return tokens;
}

/**
 * One embedding context of the addon for one model: its own llama_model (same GGUF, mmapped, so
 * the weights share the page cache with node-llama-cpp's copy) and a context of `contextSize`
 * tokens shared by up to EMBED_SEQUENCES sequences. `embed` runs one decode; calls are serialised.
 */
export class BatchEmbedContext {
  readonly #addon: NativeEmbed;
  #handle: NativeHandle | null;
  #chain: Promise<unknown> = Promise.resolve();
  readonly contextSize: number;
  readonly sequences: number;
  readonly threads: number;
  /**
   * Whether the addon stops each decode at the final norm and pools it itself, skipping the output
   * projection llama.cpp computes for every token (native/flambeau-embed.c, docs/decisions/0016):
   * decided at load by decoding two inputs both ways, true only when they agree.
   */
  readonly poolsHere: boolean;

  private constructor(addon: NativeEmbed, handle: NativeHandle) {
    this.#addon = addon;
    this.#handle = handle;
    const info = addon.info(handle);
    this.contextSize = info.contextSize;
    this.sequences = info.sequences;
    this.threads = info.threads;
    this.poolsHere = info.poolsHere === 1;
  }

  static async create(
    addon: NativeEmbed,
    options: { modelPath: string; gpuLayers: number; contextSize: number; threads: number; sequences?: number },
  ): Promise<BatchEmbedContext> {
    const handle = await addon.load(options.modelPath, options.gpuLayers, options.contextSize, options.sequences ?? EMBED_SEQUENCES, options.threads);
    return new BatchEmbedContext(addon, handle);
  }

  /** llama_decode calls made so far (tests check that N texts took one). */
  get decodes(): number {
    return this.#handle === null ? 0 : this.#addon.info(this.#handle).decodes;
  }

  /**
   * The vectors of `inputs` (token lists, BOS/EOS included) in one decode. The caller keeps
   * `inputs.length <= sequences` and their tokens together `<= contextSize` (and, for speed, a
   * single input or `<= DECODE_TOKENS`).
   */
  embed(inputs: readonly Token[][]): Promise<Float32Array[]> {
    const run = this.#chain.then(async () => {
      if (this.#handle === null) throw new Error('The embedding context is disposed.');
      const lengths = Int32Array.from(inputs, (tokens) => tokens.length);
      const flat = new Int32Array(lengths.reduce((a, b) => a + b, 0));
      let at = 0;
      for (const tokens of inputs) {
        flat.set(tokens, at);
        at += tokens.length;
      }
      const all = await this.#addon.embed(this.#handle, flat, lengths);
      const size = all.length / inputs.length;
      return inputs.map((_, i) => all.slice(i * size, (i + 1) * size));
    });
    this.#chain = run.catch(() => undefined);
    return run;
  }

  async dispose(): Promise<void> {
    await this.#chain;
    const handle = this.#handle;
    this.#handle = null;
    if (handle !== null) this.#addon.free(handle);
  }
}
