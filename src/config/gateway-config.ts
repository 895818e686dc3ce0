import type { Secret } from './secret.js';
import type { Locality, ProviderType } from './provider-types.js';
import type { Deployment } from './sections/deployment-section.js';
import type { InjectionConfig } from './sections/injection-section.js';
import type { KeylessLoopback } from './sections/ollama-section.js';
import type { PrivacyConfig } from './sections/privacy-section.js';
import type { RoutingFile } from './sections/routing-section.js';

export type SettingSource = 'default' | 'file' | 'env' | 'flag' | 'generated';

/** A configured model as a provider sees it (paths already resolved); providers/spec.ts re-exports it. */
export interface ModelBinding {
  /** The name clients send. */
  name: string;
  /** Upstream model id; for llamacpp, the file stem unless set. */
  model: string;
  /** llamacpp: absolute path to the GGUF file. */
  path?: string;
  /** llamacpp: context size in tokens. */
  context?: number;
  /** llamacpp: CPU threads. */
  threads?: number;
  /** llamacpp: parallel sequences (concurrent requests) per loaded model. */
  parallel?: number;
  /** llamacpp: a node-llama-cpp chat wrapper name, or a Jinja template text; 'auto' reads the GGUF. */
  chatTemplate?: string;
  /** Default max_tokens when the request gives none. */
  maxTokens?: number;
}

/** Per-provider timeouts, in milliseconds (providers/http/ applies them). Defaults suit cloud LLM APIs, whose first byte can be slow. */
export interface UpstreamTimeouts {
  /** TCP + TLS connect. */
  connectTimeoutMs: number;
  /** From request sent to response headers (for a non-streamed completion: the whole generation). */
  firstByteTimeoutMs: number;
  /** Longest silence between two body chunks of a response. */
  idleTimeoutMs: number;
  /** The whole call, headers to last byte. */
  totalTimeoutMs: number;
}

export interface ProviderConfig {
  id: string;
  type: ProviderType;
  locality: Locality;
  baseUrl?: string;
  apiKey?: Secret;
  headers: Record<string, string>;
  timeouts: Partial<UpstreamTimeouts>;
  maxConnections?: number;
  anthropicVersion?: string;
  /** Where this provider was declared: the config file, or implied by a model file. */
  origin: 'file' | 'implicit';
}

export interface ModelConfig extends ModelBinding {
  provider: string;
  /** USD per million tokens; null: free (always for device-local models). */
  price: { inputPerMTok: number; outputPerMTok: number } | null;
  origin: 'file' | 'home' | 'flag';
}

/** The frozen, validated configuration the gateway runs with. */
export interface GatewayConfig {
  configPath: string | null;
  home: string;
  server: {
    host: string;
    port: number;
    bodyLimitBytes: number;
    headersTimeoutMs: number;
    requestTimeoutMs: number;
    keepAliveTimeoutMs: number;
    maxConnections: number;
  };
  auth: { masterKey: Secret | null };
  log: { level: 'debug' | 'info' | 'warn' | 'error'; includeContent: boolean };
  /** `preload`: names of local models loaded at start-up and kept loaded (file only); checked against the served models at start. */
  engine: { idleTimeoutMs: number; gpu: 'auto' | false; maxQueue: number; threads: number | null; preload: string[] };
  providers: ProviderConfig[];
  models: ModelConfig[];
  /** The `privacy:` section, defaults applied (every built-in detector; cloud: pseudonymize). */
  privacy: PrivacyConfig;
  /** The `injection:` section, defaults applied (user: flag, documents and tools: spotlight, threshold 0.5). */
  injection: InjectionConfig;
  /** The `routes:` rules as written (validated at load, compiled at start with the catalog). */
  routes: unknown[];
  routing: RoutingFile;
  /** The `shadow:` rules as written (validated and compiled at start with the catalog). */
  shadow: unknown[];
  /** `enabled: false` writes no usage rows or audit records (budgets still apply). */
  audit: { enabled: boolean; includeContent: boolean };
  /** Prometheus metrics at `GET /metrics`; `publicOnLoopback` lets a local scraper in without a key. */
  metrics: { enabled: boolean; publicOnLoopback: boolean };
  /** The web dashboard at /ui (decisions/0014). */
  ui: {
    enabled: boolean;
    sessionTtlMinutes: number;
    /** The session cookie's Secure flag: `auto` (TLS, or https at a trusted proxy), `always`, `never`. */
    secureCookie: 'auto' | 'always' | 'never';
    /**
     * `ui.trust_proxy`: the proxy addresses and CIDR blocks whose X-Forwarded-For / X-Forwarded-Proto
     * the sign-in limiter and `secureCookie: auto` read (empty: none; `true` gave the loopback ones).
     */
    trustProxy: readonly string[];
  };
  /** OpenTelemetry traces exported with OTLP over HTTP; `otlpEndpoint` null: off. */
  /** `sampleRatio`: share of requests traced, 0 to 1 (head sampling; a client traceparent's flag wins). */
  telemetry: { otlpEndpoint: string | null; exportIntervalMs: number; sampleRatio: number };
  /** Stored Responses API responses (`store: true`): kept this many days, then deleted. */
  responses: { retentionDays: number };
  /** `ollama.keyless_loopback`: the models and endpoints a key-less loopback caller may use on `/api/*`; null: off. */
  ollama: { keylessLoopback: KeylessLoopback | null };
  /** Rate-limit counters: in memory (one instance) or in Redis (shared by several instances). */
  rateLimit: { redisUrl: Secret | null };
  /**
   * Instances sharing one store: `redisUrl` (cluster.redis_url, else rate_limit.redis_url) carries
   * their change events and canary counters; null: this instance only.
   */
  cluster: { redisUrl: Secret | null; namespace: string };
  /** Where the gateway's state lives: null, HOME/flambeau.db; a `postgres://` URL, PostgreSQL (shared by several instances). */
  store: { url: Secret | null };
  /** Output tokens assumed for the worst-case budget hold when neither request nor model sets max_tokens. */
  budget: { defaultMaxOutputTokens: number };
  /**
   * Private knowledge: the model that embeds chunks and queries (null: the first device-local
   * one), the context budget, and the per-file bounds of ingest (bytes, inflated bytes and ratio
   * of a DOCX, PDF pages, heap of the DOCX/PDF converter in MB).
   */
  knowledge: {
    embeddingModel: string | null;
    contextTokens: number;
    maxFileBytes: number;
    maxInflatedBytes: number;
    maxInflateRatio: number;
    maxPdfPages: number;
    loaderMemoryMb: number;
  };
  /** `deployment:`; null: no licence check at start-up. */
  deployment: Deployment | null;
  /** Every scalar setting with its source, for `flambeau config check` (secrets masked there). */
  explain: { key: string; value: unknown; source: SettingSource; secret: boolean; doc: string }[];
  warnings: string[];
}
