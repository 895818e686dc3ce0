/**
 * Base URLs of the model hubs. `HF_ENDPOINT` is the variable the Hugging Face tools read (mirrors
 * such as hf-mirror.com use it); `FLAMBEAU_OLLAMA_REGISTRY` plays that part for the Ollama
 * registry. Tests point both at a local imitation of the hubs.
 */
export interface HubEndpoints {
  huggingFace: string;
  ollama: string;
}

export const DEFAULT_HUB_ENDPOINTS: HubEndpoints = { huggingFace: 'https://huggingface.co', ollama: 'https://registry.ollama.ai' };

/** `env` is passed by the caller (only config/ and the CLI entry read process.env). */
export function resolveHubEndpoints(env: Readonly<Record<string, string | undefined>>): HubEndpoints {
  const pick = (value: string | undefined, fallback: string) => (value === undefined || value.trim() === '' ? fallback : value.trim().replace(/\/+$/, ''));
  return {
    huggingFace: pick(env.HF_ENDPOINT, DEFAULT_HUB_ENDPOINTS.huggingFace),
    ollama: pick(env.FLAMBEAU_OLLAMA_REGISTRY, DEFAULT_HUB_ENDPOINTS.ollama),
  };
}
