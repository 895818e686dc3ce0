import { isIP } from 'node:net';
import type { z } from 'zod';

/**
 * The table of scalar settings: key (as in the YAML file), environment variable, CLI flag,
 * default and one line of doc. Every scalar default of the config lives here: loadConfig reads
 * the top-level ones from this table, and the section schemas (config/sections/) take theirs from
 * it with `tableDefault`. Load order: default < file < env < flag. Lists (providers, models,
 * privacy.custom...) come from the file only. The reference for users is the table under
 * "## Configuration reference" in README.md; config-reference.test.ts keeps it equal to this one
 * (keys, environment variables, flags, defaults).
 *
 * Policy sections (privacy, injection, routing) take no environment variable or flag: a policy is
 * read in one reviewed file, and a variable that weakened it (say privacy.cloud=allow) would not
 * show there. Their values reach the gateway through their section schema; settings.test.ts keeps
 * them without env or flag.
 */
interface SettingBase {
  key: string;
  default: string | number | boolean | null;
  /** Masked by `config check`; in the file a reference (`env:NAME`, `file:PATH`) or an inline value. */
  secret?: boolean;
  /** A secret written inline in the file gets a warning (a key; a local Redis URL is often harmless). */
  warnIfInline?: boolean;
  /** What an unset (null) default means, as the README says it. */
  unsetMeans?: string;
  doc: string;
}
type Parse = (raw: string) => string | number | boolean;
export type SettingSpec = SettingBase & ({ env: string; flag?: string; parse: Parse } | { env?: undefined; flag?: undefined; parse?: undefined });

const int = (raw: string): number => {
  if (!/^\d+$/.test(raw.trim())) throw new Error(`expected a whole number, got "${raw}"`);
  return Number(raw);
};
const positiveInt = (raw: string): number => {
  const value = int(raw);
  if (value === 0) throw new Error('expected a whole number above 0, got "0"');
  return value;
};
const text = (raw: string): string => raw;
const bool = (raw: string): boolean => {
  if (/^(1|true|yes|on)$/i.test(raw)) return true;
  if (/^(0|false|no|off)$/i.test(raw)) return false;
  throw new Error(`expected true or false, got "${raw}"`);
};
const gpu = (raw: string): string | boolean =>
  raw === 'auto'
    ? 'auto'
    : raw === 'false'
      ? false
      : (() => {
          throw new Error('expected auto or false');
        })();
const level = (raw: string): string => {
  if (!['debug', 'info', 'warn', 'error'].includes(raw)) throw new Error('expected debug, info, warn or error');
  return raw;
};
const nonEmpty = (raw: string): string => raw;
const secureCookie = (raw: string): string => {
  if (!['auto', 'always', 'never'].includes(raw)) throw new Error(`expected auto, always or never, got "${raw}"`);
  return raw;
};
/** `ui.trust_proxy`'s `true`: a reverse proxy on this machine (it connects from loopback). */
export const LOOPBACK_PROXIES: readonly string[] = Object.freeze(['127.0.0.0/8', '::1']);

/**
 * `ui.trust_proxy` as the list of proxy addresses and CIDR blocks it trusts: false (or an empty
 * list) none, true the loopback ones, else the entries (a list in the file, comma-separated in the
 * environment). Throws on an entry that is not `ADDRESS` or `ADDRESS/PREFIX`.
 */
export function trustProxyEntries(value: boolean | string | readonly string[]): readonly string[] {
  if (value === true) return LOOPBACK_PROXIES;
  if (value === false) return [];
  const entries = (typeof value === 'string' ? value.split(',') : value).map((e) => e.trim()).filter((e) => e !== '');
  for (const entry of entries) {
    const [address = '', prefix, ...rest] = entry.split('/');
    const family = isIP(address);
    const max = family === 6 ? 128 : 32;
    if (family === 0 || rest.length > 0 || (prefix !== undefined && (!/^\d{1,3}$/.test(prefix) || Number(prefix) > max)))
      throw new Error(`expected true, false or proxy addresses and CIDR blocks (e.g. 10.0.0.5, 10.0.0.0/8, fd00::/8), got "${entry}"`);
  }
  return Object.freeze(entries);
}
const trustProxy = (raw: string): string | boolean => {
  if (/^(1|true|yes|on)$/i.test(raw.trim())) return true;
  if (/^(0|false|no|off)$/i.test(raw.trim())) return false;
  trustProxyEntries(raw);
  return raw;
};
const fraction = (raw: string): number => {
  const value = Number(raw.trim());
  if (raw.trim() === '' || !Number.isFinite(value) || value < 0 || value > 1) throw new Error(`expected a number from 0 to 1, got "${raw}"`);
  return value;
};
const url = (raw: string): string => {
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new Error(`expected an http:// or https:// URL, got "${raw}"`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new Error(`expected an http:// or https:// URL, got "${raw}"`);
  return raw;
};

export const SETTINGS: readonly SettingSpec[] = [
  {
    key: 'server.host',
    env: 'FLAMBEAU_HOST',
    flag: 'host',
    default: '127.0.0.1',
    doc: 'Address to listen on. Loopback by default; set 0.0.0.0 only behind a firewall.',
    parse: text,
  },
  { key: 'server.port', env: 'FLAMBEAU_PORT', flag: 'port', default: 4141, doc: 'TCP port (0 picks a free one).', parse: int },
  {
    key: 'server.body_limit_bytes',
    env: 'FLAMBEAU_BODY_LIMIT_BYTES',
    default: 4 * 1024 * 1024,
    doc: 'Largest request body accepted; larger ones get 413 payload_too_large.',
    parse: int,
  },
  {
    key: 'server.headers_timeout_ms',
    env: 'FLAMBEAU_HEADERS_TIMEOUT_MS',
    default: 20_000,
    doc: 'A client must send its request headers within this time, or gets 408 and is disconnected (slow-client protection).',
    parse: positiveInt,
  },
  {
    key: 'server.request_timeout_ms',
    env: 'FLAMBEAU_REQUEST_TIMEOUT_MS',
    default: 60_000,
    doc: 'A client must send its whole request (headers and body) within this time, or gets 408. Streaming the answer back does not count. At least server.headers_timeout_ms.',
    parse: positiveInt,
  },
  {
    key: 'server.keep_alive_timeout_ms',
    env: 'FLAMBEAU_KEEP_ALIVE_TIMEOUT_MS',
    default: 65_000,
    doc: 'How long an idle keep-alive connection stays open between requests (above the 60 s idle timeout of common load balancers).',
    parse: positiveInt,
  },
  {
    key: 'server.max_connections',
    env: 'FLAMBEAU_MAX_CONNECTIONS',
    default: 1024,
    doc: 'Open client connections at most; further connections are dropped at once until one closes.',
    parse: positiveInt,
  },
  {
    key: 'auth.master_key',
    env: 'FLAMBEAU_MASTER_KEY',
    default: null,
    secret: true,
    warnIfInline: true,
    unsetMeans: 'generated',
    doc: 'Master API key (`env:NAME` or `file:PATH` in the file). Unset: generated on first start and kept in HOME/master.key (mode 600).',
    parse: text,
  },
  {
    key: 'log.level',
    env: 'FLAMBEAU_LOG_LEVEL',
    default: 'info',
    doc: 'debug | info | warn | error. Logs never hold prompt or answer text unless log.include_content is true.',
    parse: level,
  },
  {
    key: 'log.include_content',
    env: 'FLAMBEAU_LOG_INCLUDE_CONTENT',
    default: false,
    doc: 'Opt in to prompt and answer text in debug logs. Off by default.',
    parse: bool,
  },
  {
    key: 'engine.idle_timeout_ms',
    env: 'FLAMBEAU_ENGINE_IDLE_TIMEOUT_MS',
    default: 300_000,
    doc: 'Unload a local model after this long without requests.',
    parse: int,
  },
  { key: 'engine.gpu', env: 'FLAMBEAU_ENGINE_GPU', default: 'auto', doc: 'auto (use a GPU when llama.cpp finds one) or false (CPU only).', parse: gpu },
  {
    key: 'engine.max_queue',
    env: 'FLAMBEAU_ENGINE_MAX_QUEUE',
    default: 64,
    doc: 'Requests that may wait for a local model sequence; more get 503 engine_unavailable.',
    parse: int,
  },
  {
    key: 'engine.threads',
    env: 'FLAMBEAU_ENGINE_THREADS',
    default: null,
    unsetMeans: 'available cores − 1 (at least 1)',
    doc: "Default CPU threads per local model, chat and embeddings (a model's `threads` wins). Unset: the available cores minus one, at least 1. A value above the cores is honoured with a warning.",
    parse: int,
  },
  {
    key: 'knowledge.max_file_bytes',
    env: 'FLAMBEAU_KNOWLEDGE_MAX_FILE_BYTES',
    default: 100 * 1024 * 1024,
    doc: 'Ingest: a larger file is listed as excluded, not read (for a mailbox: a larger message).',
    parse: int,
  },
  {
    key: 'knowledge.max_inflated_bytes',
    env: 'FLAMBEAU_KNOWLEDGE_MAX_INFLATED_BYTES',
    default: 100 * 1024 * 1024,
    doc: 'Ingest: most bytes a DOCX may inflate to, counted while inflating; over it the file is excluded.',
    parse: int,
  },
  {
    key: 'knowledge.max_inflate_ratio',
    env: 'FLAMBEAU_KNOWLEDGE_MAX_INFLATE_RATIO',
    default: 100,
    doc: 'Ingest: most inflated bytes per byte of a DOCX (past the first MB); a zip bomb inflates hundreds of times.',
    parse: int,
  },
  { key: 'knowledge.max_pdf_pages', env: 'FLAMBEAU_KNOWLEDGE_MAX_PDF_PAGES', default: 5000, doc: 'Ingest: a PDF with more pages is excluded.', parse: int },
  {
    key: 'knowledge.loader_memory_mb',
    env: 'FLAMBEAU_KNOWLEDGE_LOADER_MEMORY_MB',
    default: 1024,
    doc: 'Ingest: heap of the worker thread that converts DOCX and PDF; a file that needs more is excluded.',
    parse: int,
  },
  {
    key: 'knowledge.embedding_model',
    env: 'FLAMBEAU_KNOWLEDGE_EMBEDDING_MODEL',
    default: null,
    unsetMeans: 'a device-local model served as a known embedding model (e.g. multilingual-e5-small), never a chat model; else BM25 only',
    doc: 'The model that embeds chunks and queries (ingest and chat use the same).',
    parse: nonEmpty,
  },
  {
    key: 'knowledge.context_tokens',
    env: 'FLAMBEAU_KNOWLEDGE_CONTEXT_TOKENS',
    default: 2000,
    doc: 'Tokens of retrieved text a chat request may carry.',
    parse: positiveInt,
  },
  {
    key: 'telemetry.otlp_endpoint',
    env: 'FLAMBEAU_TELEMETRY_OTLP_ENDPOINT',
    default: null,
    unsetMeans: 'off',
    doc: 'OpenTelemetry collector (OTLP over HTTP) that receives a trace per request, e.g. http://127.0.0.1:4318; /v1/traces is appended. No prompt or answer text is ever in a span.',
    parse: url,
  },
  {
    key: 'telemetry.export_interval_ms',
    env: 'FLAMBEAU_TELEMETRY_EXPORT_INTERVAL_MS',
    default: 5000,
    doc: 'Spans are exported in batches at this interval (and when the gateway stops).',
    parse: positiveInt,
  },
  {
    key: 'telemetry.sample_ratio',
    env: 'FLAMBEAU_TELEMETRY_SAMPLE_RATIO',
    default: 1,
    doc: 'Share of requests traced (0 to 1), decided when the request starts; a request with a client traceparent follows its sampled flag instead.',
    parse: fraction,
  },
  {
    key: 'metrics.enabled',
    env: 'FLAMBEAU_METRICS_ENABLED',
    default: true,
    doc: 'Prometheus metrics at GET /metrics (false: nothing is counted and /metrics is 404).',
    parse: bool,
  },
  {
    key: 'metrics.public_on_loopback',
    env: 'FLAMBEAU_METRICS_PUBLIC_ON_LOOPBACK',
    default: false,
    doc: 'true lets a scraper on this machine read /metrics without a key (the socket address is read, never a forwarded-for header).',
    parse: bool,
  },
  {
    key: 'ui.enabled',
    env: 'FLAMBEAU_UI_ENABLED',
    default: true,
    doc: 'The web dashboard at /ui on the same port (false: /ui is 404).',
    parse: bool,
  },
  {
    key: 'ui.session_ttl_minutes',
    env: 'FLAMBEAU_UI_SESSION_TTL_MINUTES',
    default: 480,
    doc: 'A dashboard session (its cookie) ends this many minutes after sign-in, or sooner when its key is revoked.',
    parse: positiveInt,
  },
  {
    key: 'ui.secure_cookie',
    env: 'FLAMBEAU_UI_SECURE_COOKIE',
    default: 'auto',
    doc: "The session cookie's Secure flag: auto sets it when the connection is TLS (or, from a proxy listed in ui.trust_proxy, when X-Forwarded-Proto says https); always sets it (behind a TLS-terminating proxy); never leaves it off.",
    parse: secureCookie,
  },
  {
    key: 'ui.trust_proxy',
    env: 'FLAMBEAU_UI_TRUST_PROXY',
    default: false,
    doc: "The reverse proxies whose X-Forwarded-For and X-Forwarded-Proto the dashboard reads: false none; true a proxy on this machine (127.0.0.0/8, ::1); or a list of proxy addresses and CIDR blocks (comma-separated in the environment). Read only when the connection comes from a listed proxy: sign-in attempts then count per client (the right-most X-Forwarded-For entry that is not a listed proxy) and https there counts as TLS. Others' headers are never read (a client could forge them).",
    parse: trustProxy,
  },
  {
    key: 'audit.enabled',
    env: 'FLAMBEAU_AUDIT_ENABLED',
    default: true,
    doc: 'false writes no usage rows or audit records (budgets still apply).',
    parse: bool,
  },
  {
    key: 'audit.include_content',
    env: 'FLAMBEAU_AUDIT_INCLUDE_CONTENT',
    default: false,
    doc: 'Opt in to prompt and answer text in audit records.',
    parse: bool,
  },
  {
    key: 'responses.retention_days',
    env: 'FLAMBEAU_RESPONSES_RETENTION_DAYS',
    default: 30,
    doc: 'Days a stored Responses API response (store: true) is kept, then deleted.',
    parse: positiveInt,
  },
  {
    key: 'store.url',
    env: 'FLAMBEAU_STORE_URL',
    default: null,
    secret: true,
    unsetMeans: 'HOME/flambeau.db',
    doc: 'PostgreSQL (`postgres://…`) holding keys, budgets, usage, the audit chain, the request log, model versions, responses, evals and shadow results, shared by several instances (`env:NAME` or `file:PATH` in the file).',
    parse: nonEmpty,
  },
  {
    key: 'rate_limit.redis_url',
    env: 'FLAMBEAU_RATE_LIMIT_REDIS_URL',
    default: null,
    secret: true,
    unsetMeans: 'in memory',
    doc: 'Redis that holds the rate-limit counters, shared by several instances (`env:NAME` or `file:PATH` in the file).',
    parse: nonEmpty,
  },
  {
    key: 'cluster.redis_url',
    env: 'FLAMBEAU_CLUSTER_REDIS_URL',
    default: null,
    secret: true,
    unsetMeans: 'rate_limit.redis_url; unset too: this instance only',
    doc: 'Redis whose pub/sub tells every instance of a key revocation or a model promote within a second, and holds the shared canary counters.',
    parse: nonEmpty,
  },
  {
    key: 'cluster.namespace',
    env: 'FLAMBEAU_CLUSTER_NAMESPACE',
    default: 'flambeau',
    doc: 'Prefix of the Redis channel and counters of this cluster (instances sharing one store share one namespace).',
    parse: nonEmpty,
  },
  {
    key: 'budget.default_max_output_tokens',
    env: 'FLAMBEAU_BUDGET_DEFAULT_MAX_OUTPUT_TOKENS',
    default: 4096,
    doc: 'Output tokens a budget hold assumes when neither the request nor the model sets max_tokens.',
    parse: positiveInt,
  },
  { key: 'privacy.cloud', default: 'pseudonymize', doc: 'Personal data sent to a cloud model: pseudonymize, redact, block or allow.' },
  { key: 'privacy.lan', default: 'allow', doc: 'Personal data sent to a LAN model: pseudonymize, redact, block or allow.' },
  { key: 'privacy.device', default: 'allow', doc: 'Personal data sent to a device model: pseudonymize, redact, block or allow.' },
  { key: 'privacy.on_detector_error', default: 'block', doc: 'block or allow a request that needed a rewrite when a detector failed.' },
  {
    key: 'privacy.recall',
    default: null,
    unsetMeans: 'high when cloud is pseudonymize or redact, else balanced',
    doc: 'high: names, addresses and phones found on weaker evidence too; balanced: only on firmer evidence.',
  },
  {
    key: 'privacy.unscanned_images',
    default: 'refuse',
    doc: 'refuse or forward images the guard cannot read (binary data: URLs) where the action is not allow.',
  },
  { key: 'injection.user', default: 'flag', doc: 'A flagged user message: allow (not scanned), flag or block.' },
  {
    key: 'injection.documents',
    default: 'spotlight',
    doc: 'Retrieved chunks: allow, spotlight (every chunk, in a marked data block), drop (a flagged one) or block.',
  },
  { key: 'injection.tools', default: 'spotlight', doc: 'Tool results: allow (not scanned), spotlight (every result, in a marked data block) or block.' },
  { key: 'injection.threshold', default: 0.5, doc: 'Score (0..1) from which the injection scan flags a text.' },
  { key: 'routing.allow_cloud', default: true, doc: 'false = air-gapped: cloud models are never called.' },
  { key: 'routing.retries', default: 1, doc: 'Retries of one target on 429, 5xx, reset or timeout, before its first byte (0..10).' },
  { key: 'routing.retry_base_delay_ms', default: 200, doc: 'Backoff before the first retry of a target; it doubles with each retry (with jitter).' },
  { key: 'routing.retry_max_delay_ms', default: 2000, doc: 'Longest backoff; a longer Retry-After moves on to the next target instead.' },
  { key: 'routing.breaker_failures', default: 5, doc: "Consecutive failures that open a provider's circuit breaker." },
  { key: 'routing.breaker_cooldown_ms', default: 30_000, doc: 'How long an open breaker waits before letting one probe through.' },
  {
    key: 'routing.complexity_weights',
    default: null,
    unsetMeans: 'the shipped weights',
    doc: 'Weights of the complexity score (from `flambeau router train`), relative to the config file.',
  },
  { key: 'routing.health_interval_ms', default: 30_000, doc: 'Background health checks of remote providers; 0 turns them off.' },
];

/**
 * Where the settings come from, read before the file (so neither can be set in it). loadConfig
 * takes their environment variables from here; the README lists them under the table.
 */
export const LOCATIONS = {
  home: { name: 'home folder', env: 'FLAMBEAU_HOME', flag: 'home', shownDefault: '`~/.flambeau`' },
  config: { name: 'config file', env: 'FLAMBEAU_CONFIG', flag: 'config', shownDefault: '`./flambeau.yaml` if present' },
} as const;

/** A setting's default as the README's table shows it: the value in backticks, or what unset means. */
export function shownDefault(spec: SettingSpec): string {
  return spec.default === null ? (spec.unsetMeans ?? '(unset)') : `\`${String(spec.default)}\``;
}

/** A setting's row; a key missing from the table is a programming error. */
export function settingSpec(key: string): SettingSpec {
  const spec = SETTINGS.find((s) => s.key === key);
  if (spec === undefined) throw new Error(`no setting ${key} in SETTINGS`);
  return spec;
}

/**
 * The table's default of `key`, checked by `schema` (so a section schema and the table cannot
 * disagree on a default's type): `cloud: ACTION.default(tableDefault('privacy.cloud', ACTION))`.
 */
export function tableDefault<S extends z.ZodType>(key: string, schema: S): z.output<S> {
  return schema.parse(settingSpec(key).default);
}
