import type { EmbeddingModel } from '../providers/spec.js';

/** Turns texts into vectors; `model` names the vector space (changing it re-embeds everything). */
export interface Embedder {
  readonly model: string;
  embed(texts: string[], signal: AbortSignal): Promise<Float32Array[]>;
}

/**
 * An embedder over a gateway model (`catalog.get(name).embedding`), in batches. The caller
 * chooses the model: knowledge is private, so the default is a device-local one; a non-device
 * model should be wrapped with the privacy guard by the caller (see the gateway's embed()).
 */
export function embedderOf(model: EmbeddingModel, name: string, batchSize = 16): Embedder {
  return {
    model: name,
    async embed(texts, signal) {
      const vectors: Float32Array[] = [];
      for (let i = 0; i < texts.length; i += batchSize) {
        const { vectors: batch } = await model.embed({ model: model.model, input: texts.slice(i, i + batchSize) }, signal);
        vectors.push(...batch);
      }
      return vectors;
    },
  };
}

/** What is embedded for a chunk: its heading path gives short chunks their context. */
export function embeddingText(chunk: { text: string; heading?: string | null; title?: string | null }): string {
  const head = [chunk.title, chunk.heading].filter((h): h is string => typeof h === 'string' && h !== '');
  return head.length === 0 ? chunk.text : `${[...new Set(head)].join(' > ')}\n${chunk.text}`;
}
