import type { Secret } from '../../config/secret.js';
import { UpstreamClient } from '../http/upstream-client.js';
import type { UpstreamTimeouts } from '../http/upstream-timeouts.js';
import type { Locality, ModelBinding, Provider } from '../spec.js';
import { OpenAiChatModel } from './openai-chat-model.js';
import { OpenAiEmbeddingModel } from './openai-embedding-model.js';

export interface OpenAiCompatibleSettings {
  id: string;
  baseUrl: string;
  apiKey?: Secret;
  locality: Locality;
  /** Extra headers sent upstream (e.g. OpenRouter's HTTP-Referer). */
  headers?: Record<string, string>;
  timeouts?: Partial<UpstreamTimeouts>;
  maxConnections?: number;
}

/** OpenAI and every server that speaks its wire format: Mistral, DeepSeek, Groq, OpenRouter, vLLM, llama.cpp server, Ollama's /v1, LocalAI. */
export function createOpenAiCompatibleProvider(settings: OpenAiCompatibleSettings): Provider {
  const client = new UpstreamClient({
    baseUrl: settings.baseUrl,
    label: settings.id,
    timeouts: settings.timeouts,
    connections: settings.maxConnections,
  });
  const fixed: Record<string, string> = { 'content-type': 'application/json', ...settings.headers };
  const headers = (): Record<string, string> => (settings.apiKey === undefined ? fixed : { ...fixed, authorization: `Bearer ${settings.apiKey.reveal()}` });
  return {
    id: settings.id,
    type: 'openai-compatible',
    locality: settings.locality,
    chatModel: (binding: ModelBinding) => new OpenAiChatModel(settings.id, binding.model, settings.locality, client, headers),
    embeddingModel: (binding: ModelBinding) => new OpenAiEmbeddingModel(settings.id, binding.model, settings.locality, client, headers),
    probe: (signal: AbortSignal) => client.probe('/models', headers(), signal),
    close: () => client.close(),
  };
}
