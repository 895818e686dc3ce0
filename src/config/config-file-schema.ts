import { z } from 'zod';
import { LOCALITIES, PROVIDER_TYPES } from './provider-types.js';
import { deploymentFileSchema } from './sections/deployment-section.js';
import { injectionConfigSchema } from './sections/injection-section.js';
import { ollamaConfigSchema } from './sections/ollama-section.js';
import { privacyConfigSchema } from './sections/privacy-section.js';
import { routingFileSchema } from './sections/routing-section.js';

/** The YAML config file, snake_case as users write it. Unknown keys are errors (typos must not pass silently). */
const id = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._:/-]*$/, 'letters, digits and . _ : / - only');
const positiveInt = z.number().int().positive();
const locality = z.enum(LOCALITIES);

export const providerFileSchema = z.strictObject({
  id,
  type: z.enum(PROVIDER_TYPES),
  base_url: z.url().optional(),
  api_key: z.string().min(1).optional(),
  locality: locality.optional(),
  headers: z.record(z.string(), z.string()).optional(),
  max_connections: positiveInt.optional(),
  anthropic_version: z.string().optional(),
  timeouts: z
    .strictObject({
      connect_ms: positiveInt.optional(),
      first_byte_ms: positiveInt.optional(),
      idle_ms: positiveInt.optional(),
      total_ms: positiveInt.optional(),
    })
    .optional(),
});

export const modelFileSchema = z.strictObject({
  name: id,
  provider: id,
  model: z.string().min(1).optional(),
  path: z.string().min(1).optional(),
  context: positiveInt.optional(),
  threads: positiveInt.optional(),
  parallel: positiveInt.optional(),
  chat_template: z.string().min(1).optional(),
  max_tokens: positiveInt.optional(),
  /** USD per million tokens; models without a price cost 0 (device-local ones always do). */
  price: z.strictObject({ input_per_mtok: z.number().nonnegative(), output_per_mtok: z.number().nonnegative() }).optional(),
});

export const configFileSchema = z.strictObject({
  server: z
    .strictObject({
      host: z.string().min(1).optional(),
      port: z.number().int().min(0).max(65535).optional(),
      body_limit_bytes: positiveInt.optional(),
      headers_timeout_ms: positiveInt.optional(),
      request_timeout_ms: positiveInt.optional(),
      keep_alive_timeout_ms: positiveInt.optional(),
      max_connections: positiveInt.optional(),
    })
    .optional(),
  auth: z.strictObject({ master_key: z.string().min(1).optional() }).optional(),
  log: z.strictObject({ level: z.enum(['debug', 'info', 'warn', 'error']).optional(), include_content: z.boolean().optional() }).optional(),
  engine: z
    .strictObject({
      idle_timeout_ms: positiveInt.optional(),
      gpu: z.union([z.literal('auto'), z.literal(false)]).optional(),
      max_queue: positiveInt.optional(),
      threads: positiveInt.optional(),
      /** Local models loaded at start-up and kept loaded; `/readyz` answers 503 until they are. */
      preload: z.array(z.string().min(1)).optional(),
    })
    .optional(),
  providers: z.array(providerFileSchema).optional(),
  models: z.array(modelFileSchema).optional(),
  privacy: privacyConfigSchema.optional(),
  injection: injectionConfigSchema.optional(),
  /** Checked rule by rule by the router (messages name the rule), hence unknown here. */
  routes: z.array(z.unknown()).optional(),
  routing: routingFileSchema.optional(),
  /** Shadow evaluation rules, checked rule by rule at start (shadow/shadow-rules.ts), hence unknown here. */
  shadow: z.array(z.unknown()).optional(),
  audit: z.strictObject({ enabled: z.boolean().optional(), include_content: z.boolean().optional() }).optional(),
  metrics: z.strictObject({ enabled: z.boolean().optional(), public_on_loopback: z.boolean().optional() }).optional(),
  ui: z
    .strictObject({
      enabled: z.boolean().optional(),
      session_ttl_minutes: positiveInt.optional(),
      secure_cookie: z.enum(['auto', 'always', 'never']).optional(),
      trust_proxy: z.union([z.boolean(), z.array(z.string().min(1))]).optional(),
    })
    .optional(),
  telemetry: z
    .strictObject({
      otlp_endpoint: z.url({ protocol: /^https?$/ }).optional(),
      export_interval_ms: positiveInt.optional(),
      sample_ratio: z.number().min(0).max(1).optional(),
    })
    .optional(),
  responses: z.strictObject({ retention_days: positiveInt.optional() }).optional(),
  /** File-only, like the policy sections: key-less loopback access to the Ollama API. */
  ollama: ollamaConfigSchema.optional(),
  rate_limit: z.strictObject({ redis_url: z.string().min(1).optional() }).optional(),
  cluster: z.strictObject({ redis_url: z.string().min(1).optional(), namespace: z.string().min(1).optional() }).optional(),
  store: z.strictObject({ url: z.string().min(1).optional() }).optional(),
  budget: z.strictObject({ default_max_output_tokens: positiveInt.optional() }).optional(),
  knowledge: z
    .strictObject({
      embedding_model: z.string().min(1).optional(),
      context_tokens: positiveInt.optional(),
      max_file_bytes: positiveInt.optional(),
      max_inflated_bytes: positiveInt.optional(),
      max_inflate_ratio: positiveInt.optional(),
      max_pdf_pages: positiveInt.optional(),
      loader_memory_mb: positiveInt.optional(),
    })
    .optional(),
  /** How the models are used; start-up checks each local model's licence against it (models/licence/). */
  deployment: deploymentFileSchema.optional(),
});

export type ConfigFile = z.infer<typeof configFileSchema>;
export type ProviderFile = z.infer<typeof providerFileSchema>;
export type ModelFile = z.infer<typeof modelFileSchema>;
