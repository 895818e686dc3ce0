import { z } from 'zod';

/** The endpoints the Ollama API calls (a key's scope names them the same way). */
export const OLLAMA_ENDPOINTS = ['chat', 'embeddings', 'models'] as const;
export type OllamaEndpoint = (typeof OLLAMA_ENDPOINTS)[number];

const modelPattern = z
  .string()
  .min(1)
  .max(256)
  .regex(/^[A-Za-z0-9*][A-Za-z0-9._:/*-]*$/, 'a model name, a prefix pattern ending in * (local-*), or *');

/**
 * The `ollama:` section of flambeau.yaml. Off when absent.
 *
 * ```yaml
 * ollama:
 *   keyless_loopback:
 *     models: [local-chat, local-embed]   # exact names or prefix patterns (local-*)
 *     endpoints: [chat, embeddings, models]
 * ```
 * `keyless_loopback` lets a program on this machine that cannot send a header (some Ollama tools)
 * call the Ollama API (`/api/*`) without a key: only when it sends no credential at all, only from
 * a loopback socket address (never a forwarded-for header), and only for the models and endpoints
 * listed here. A credential that is sent is always checked: a wrong key is 401 whatever this says.
 * It is a file-only policy (no environment variable or flag) so that it shows in one reviewed file.
 */
export const ollamaConfigSchema = z.strictObject({
  keyless_loopback: z
    .strictObject({
      models: z.array(modelPattern).min(1, 'name at least one model (an empty list would let nothing through)'),
      endpoints: z
        .array(z.enum(OLLAMA_ENDPOINTS))
        .min(1)
        .default([...OLLAMA_ENDPOINTS]),
    })
    .optional(),
});

export type OllamaFile = z.infer<typeof ollamaConfigSchema>;

/** Key-less access from loopback to the Ollama API; null when off. */
export interface KeylessLoopback {
  models: string[];
  endpoints: OllamaEndpoint[];
}
