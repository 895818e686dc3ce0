import { stat } from 'node:fs/promises';
import { readGgufFacts } from '../models/gguf/read-gguf-facts.js';
import type { GatewayDeps } from './gateway-deps.js';
import type { GatewayRequest } from './request.js';
import { scope } from './stages/scope.js';

/** What a local model's GGUF file says about itself: the Ollama API's sizes and details. */
export interface ModelFileFacts {
  sizeBytes: number;
  /** Milliseconds since the epoch. */
  modifiedAt: number;
  architecture: string | null;
  /** `general.size_label`, else null. */
  sizeLabel: string | null;
  parameters: number | null;
  quantisation: string | null;
  contextLength: number | null;
}

/**
 * The file behind a model the caller may use; null for a model without a local file (a cloud or
 * LAN model, a route) or a file that cannot be read now. Only the header is read, never the weights.
 * Throws 403 outside the key's scope and 404 for an unknown name, as `getModel` does.
 */
export async function describeModelFile(request: GatewayRequest, name: string, deps: Pick<GatewayDeps, 'catalog' | 'router'>): Promise<ModelFileFacts | null> {
  scope(request, { endpoint: 'models', model: name });
  if (deps.router.virtualModels.includes(name)) return null;
  const path = deps.catalog.get(name).config.path;
  if (path === undefined) return null;
  // A file moved or replaced under a running server still lists: its details are unknown, not an error.
  const info = await stat(path).catch(() => null);
  if (info === null) return null;
  const facts = await readGgufFacts(path).catch(() => null);
  return {
    sizeBytes: info.size,
    modifiedAt: info.mtimeMs,
    architecture: facts?.architecture ?? null,
    sizeLabel: facts?.sizeLabel ?? null,
    parameters: facts?.parameters ?? null,
    quantisation: facts?.quantisation ?? null,
    contextLength: facts?.contextLength ?? null,
  };
}
