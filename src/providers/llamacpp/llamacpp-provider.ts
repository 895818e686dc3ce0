import type { Engine } from '../../engine/engine.js';
import type { Locality, ModelBinding, ModelStatus, Provider } from '../spec.js';
import { LlamaCppChatModel } from './llamacpp-chat-model.js';
import { LlamaCppEmbeddingModel } from './llamacpp-embedding-model.js';
import { toModelSpec } from './llamacpp-model-spec.js';

/**
 * GGUF models on the embedded llama.cpp engine. The engine is shared by every llamacpp provider
 * of a gateway and owned by whoever created it (main.ts): `close()` leaves it running.
 */
export function createLlamaCppProvider(settings: { id: string; locality: Locality; engine: Engine }): Provider {
  const { id, locality, engine } = settings;
  return {
    id,
    type: 'llamacpp',
    locality,
    chatModel: (binding: ModelBinding) => new LlamaCppChatModel(id, locality, binding, toModelSpec(binding), engine),
    embeddingModel: (binding: ModelBinding) => new LlamaCppEmbeddingModel(id, locality, binding, toModelSpec(binding), engine),
    status: (binding: ModelBinding): ModelStatus => {
      if (binding.path === undefined) return { loaded: false, detail: 'no GGUF file path' };
      const spec = toModelSpec(binding);
      const lane = engine.status().models.find((m) => m.name === spec.name && m.path === spec.path);
      return { loaded: engine.isLoaded(spec), threads: engine.threads(spec), queued: lane?.queued ?? 0 };
    },
    preload: (binding: ModelBinding, signal: AbortSignal) => engine.preload(toModelSpec(binding), signal),
    close: async () => {},
  };
}
