import { createHash } from 'node:crypto';
import { FlambeauError } from '../../errors/index.js';
import { describeModelFile, getModel, listModels, type ModelFileFacts, type ModelView } from '../../gateway/index.js';
import { readJsonBody } from '../http/read-json-body.js';
import type { RouteCall } from '../http/route-call.js';
import { sendJson } from '../http/send.js';
import { parseOllamaBody, showBody } from './ollama-wire.js';

/**
 * The Ollama API version this translator speaks: clients compare it to the version a feature
 * appeared in (tools, structured outputs, /api/embed), so it names Ollama's, not flambeau's.
 */
export const OLLAMA_API_VERSION = '0.12.0';

/** GET /api/version. */
export function handleOllamaVersion(call: RouteCall): void {
  sendJson(call.res, 200, { version: OLLAMA_API_VERSION }, { 'x-request-id': call.request.outcome.requestId });
}

/** GET /api/tags: the models the key may use; sizes and details for local GGUF files. */
export async function handleOllamaTags(call: RouteCall): Promise<void> {
  const models = await Promise.all(listModels(call.request, call.deps.gateway).map((view) => describe(call, view)));
  sendJson(call.res, 200, { models }, { 'x-request-id': call.request.outcome.requestId });
}

/** GET /api/ps: the local models loaded in the engine now. */
export async function handleOllamaPs(call: RouteCall): Promise<void> {
  const loaded = listModels(call.request, call.deps.gateway).filter((view) => view.kind === 'model' && view.loaded === true);
  // Residency is the engine's idle timeout, not a per-model deadline: `expires_at` is left out; memory is not split by device.
  const models = (await Promise.all(loaded.map((view) => describe(call, view)))).map(({ modified_at: _, ...model }) => ({ ...model, size_vram: 0 }));
  sendJson(call.res, 200, { models }, { 'x-request-id': call.request.outcome.requestId });
}

/** POST /api/show: details, the model's facts from its GGUF header, and what it can do. */
export async function handleOllamaShow(call: RouteCall): Promise<void> {
  const body = parseOllamaBody(await readJsonBody(call.req, call.deps.bodyLimitBytes), showBody);
  const name = body.model ?? body.name;
  if (name === undefined) throw new FlambeauError('invalid_request', "Invalid value for 'model': a model name is needed.", { param: 'model' });
  const view = getModel(call.request, name, call.deps.gateway);
  const facts = await describeModelFile(call.request, name, call.deps.gateway);
  const modelInfo: Record<string, unknown> = {};
  if (facts?.architecture != null) {
    modelInfo['general.architecture'] = facts.architecture;
    if (facts.contextLength !== null) modelInfo[`${facts.architecture}.context_length`] = facts.contextLength;
  }
  if (facts?.parameters != null) modelInfo['general.parameter_count'] = facts.parameters;
  sendJson(
    call.res,
    200,
    {
      license: '',
      modelfile: `# Served by flambeau; its configuration decides the template and parameters.\nFROM ${name}\n`,
      parameters: '',
      template: '',
      details: details(view, facts),
      model_info: modelInfo,
      // Every chat target takes tools through the gateway (a target that cannot honour them warns).
      capabilities: view.kind === 'model' && view.embeddings ? ['completion', 'tools', 'embedding'] : ['completion', 'tools'],
      modified_at: modifiedAt(call, facts),
    },
    { 'x-request-id': call.request.outcome.requestId },
  );
}

async function describe(call: RouteCall, view: ModelView): Promise<Record<string, unknown>> {
  const facts = view.kind === 'model' ? await describeModelFile(call.request, view.name, call.deps.gateway) : null;
  const modified = modifiedAt(call, facts);
  return {
    name: view.name,
    model: view.name,
    modified_at: modified,
    size: facts?.sizeBytes ?? 0,
    // Ollama's digest names the model's manifest; ours names what is served under this name now.
    digest: createHash('sha256')
      .update(`${view.name}\0${facts?.sizeBytes ?? ''}\0${modified}`)
      .digest('hex'),
    details: details(view, facts),
  };
}

function details(view: ModelView, facts: ModelFileFacts | null): Record<string, unknown> {
  const family = facts?.architecture ?? (view.kind === 'model' ? view.providerType : 'flambeau-route');
  return {
    parent_model: '',
    format: facts === null ? '' : 'gguf',
    family,
    families: [family],
    parameter_size: facts?.sizeLabel ?? (facts?.parameters == null ? '' : parameterSize(facts.parameters)),
    quantization_level: facts?.quantisation ?? '',
  };
}

/** The file's time for a local model; for others, when this server started (their binding dates from then). */
function modifiedAt(call: RouteCall, facts: ModelFileFacts | null): string {
  return new Date(facts?.modifiedAt ?? call.deps.gateway.startedAt).toISOString();
}

/** 494000000 -> "494.0M", as Ollama writes parameter sizes. */
function parameterSize(count: number): string {
  if (count >= 1e9) return `${(count / 1e9).toFixed(1)}B`;
  if (count >= 1e6) return `${(count / 1e6).toFixed(1)}M`;
  return String(count);
}
