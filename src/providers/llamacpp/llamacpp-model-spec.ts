import type { EngineModelSpec } from '../../engine/engine.js';
import { FlambeauError } from '../../errors/index.js';
import type { ModelBinding } from '../spec.js';

/** A configured model -> what the engine loads. The path is required for llamacpp models. */
export function toModelSpec(binding: ModelBinding): EngineModelSpec {
  if (binding.path === undefined) {
    throw new FlambeauError('model_not_found', `The local model '${binding.name}' has no GGUF file path.`, { details: { model: binding.name } });
  }
  const spec: EngineModelSpec = { name: binding.name, path: binding.path };
  if (binding.context !== undefined) spec.contextSize = binding.context;
  if (binding.threads !== undefined) spec.threads = binding.threads;
  if (binding.parallel !== undefined) spec.parallel = binding.parallel;
  if (binding.chatTemplate !== undefined && binding.chatTemplate !== 'auto') spec.chatTemplate = binding.chatTemplate;
  return spec;
}
