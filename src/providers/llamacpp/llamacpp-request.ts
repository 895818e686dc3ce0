import type { EngineChatJob, EngineSampling } from '../../engine/engine.js';
import { FlambeauError } from '../../errors/index.js';
import type { ChatRequest, ModelBinding, Warning } from '../spec.js';
import { toChatHistory } from './llamacpp-history.js';
import { toGbnfJsonSchema } from './llamacpp-json-schema.js';
import { toFunctions } from './llamacpp-tools.js';

/**
 * Sampling when the request sets nothing: llama-server's defaults (temperature 0.8, top-k 40,
 * top-p 0.95, min-p 0.05), so a local model behaves as it does behind llama.cpp's own server.
 */
export const DEFAULT_SAMPLING = { temperature: 0.8, topK: 40, topP: 0.95, minP: 0.05 } as const;

/** llama.cpp sampling settings accepted from `passthrough` (llama-server's request names). */
const PASSTHROUGH_NUMBERS = { top_k: 'topK', min_p: 'minP' } as const;

/** Our ChatRequest -> the engine's job (node-llama-cpp terms), plus the warnings for what is not exact. */
export function toEngineJob(request: ChatRequest, binding: ModelBinding): { job: EngineChatJob; warnings: Warning[] } {
  const warnings: Warning[] = [];
  const history = toChatHistory(request.messages, binding.name, warnings);
  const { functions, maxParallelFunctionCalls } = toFunctions(request, warnings);
  const grammar = toGrammar(request, functions !== undefined, warnings);
  const job: EngineChatJob = { history, sampling: toSampling(request, binding, warnings) };
  if (functions) job.functions = functions;
  if (maxParallelFunctionCalls !== undefined) job.maxParallelFunctionCalls = maxParallelFunctionCalls;
  if (grammar) job.grammar = grammar;
  return { job, warnings };
}

function toSampling(request: ChatRequest, binding: ModelBinding, warnings: Warning[]): EngineSampling {
  const sampling: EngineSampling = {
    temperature: request.temperature ?? DEFAULT_SAMPLING.temperature,
    topP: request.topP ?? DEFAULT_SAMPLING.topP,
    topK: DEFAULT_SAMPLING.topK,
    minP: DEFAULT_SAMPLING.minP,
  };
  const maxTokens = request.maxTokens ?? binding.maxTokens;
  if (maxTokens !== undefined) sampling.maxTokens = maxTokens;
  if (request.seed !== undefined) sampling.seed = request.seed;
  if (request.stop && request.stop.length > 0) sampling.stop = request.stop;
  if (request.presencePenalty !== undefined) sampling.presencePenalty = request.presencePenalty;
  if (request.frequencyPenalty !== undefined) sampling.frequencyPenalty = request.frequencyPenalty;
  for (const [key, value] of Object.entries(request.passthrough ?? {})) {
    const field = Object.hasOwn(PASSTHROUGH_NUMBERS, key) ? PASSTHROUGH_NUMBERS[key as keyof typeof PASSTHROUGH_NUMBERS] : undefined;
    if (field && typeof value === 'number') sampling[field] = value;
    else warnings.push({ kind: 'unsupported', setting: key, detail: 'not supported by the local llama.cpp engine; ignored' });
  }
  return sampling;
}

function toGrammar(request: ChatRequest, toolsOffered: boolean, warnings: Warning[]): EngineChatJob['grammar'] {
  const format = request.responseFormat;
  if (!format || format.type === 'text') return undefined;
  if (toolsOffered) {
    // node-llama-cpp refuses a grammar together with function calling.
    warnings.push({ kind: 'unsupported', setting: 'responseFormat', detail: 'ignored while tools are offered to a local model' });
    return undefined;
  }
  if (format.type === 'json_object') return { type: 'json' };
  const converted = toGbnfJsonSchema(format.schema);
  if (!converted.ok) {
    throw new FlambeauError('invalid_request', `The response_format schema '${format.name}' cannot be enforced on a local model: ${converted.reason}.`, {
      param: 'response_format',
    });
  }
  if (converted.notEnforced.length > 0) {
    warnings.push({ kind: 'approximated', setting: 'responseFormat', detail: `not enforced: ${converted.notEnforced.join('; ')}` });
  }
  return { type: 'json-schema', schema: converted.schema };
}
