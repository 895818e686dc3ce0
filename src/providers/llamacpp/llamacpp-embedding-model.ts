import type { Engine, EngineModelSpec } from '../../engine/engine.js';
import { FlambeauError } from '../../errors/index.js';
import type { EmbeddingModel, EmbedRequest, EmbedResult, Locality, ModelBinding } from '../spec.js';

/**
 * Embeddings from a GGUF model's embedding context (separate from its chat context, loaded on
 * first use). Token usage is exact. `dimensions` cannot shrink a llama.cpp embedding: a value
 * other than the model's own size is refused.
 */
export class LlamaCppEmbeddingModel implements EmbeddingModel {
  readonly provider: string;
  readonly model: string;
  readonly locality: Locality;
  readonly #spec: EngineModelSpec;
  readonly #engine: Engine;

  constructor(provider: string, locality: Locality, binding: ModelBinding, spec: EngineModelSpec, engine: Engine) {
    this.provider = provider;
    this.model = binding.model;
    this.locality = locality;
    this.#spec = spec;
    this.#engine = engine;
  }

  async embed(request: EmbedRequest, signal: AbortSignal): Promise<EmbedResult> {
    const result = await this.#engine.embed(this.#spec, request.input, signal);
    const size = result.vectors[0]?.length;
    if (request.dimensions !== undefined && size !== undefined && size !== request.dimensions) {
      throw new FlambeauError(
        'unsupported_parameter',
        `'${this.#spec.name}' embeds in ${size} dimensions; dimensions=${request.dimensions} is not available.`,
        {
          param: 'dimensions',
          details: { dimensions: size },
        },
      );
    }
    return { vectors: result.vectors, usage: { inputTokens: result.inputTokens, outputTokens: 0, estimated: false } };
  }
}
