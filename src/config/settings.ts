/**
 * The table of scalar settings: key (as in the YAML file), environment variable, CLI flag,
 * default and one line of doc. Load order: default < file < env < flag. Lists (providers,
 * models) come from the file only. `docs/config.md` is checked against this table by a test.
 */
export interface SettingSpec {
  key: string;
  env?: string;
  flag?: string;
  default: string | number | boolean | null;
  secret?: boolean;
  doc: string;
  parse: (raw: string) => string | number | boolean;
}

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
const gpu = (raw: string): string | boolean => (raw === 'auto' ? 'auto' : raw === 'false' ? false : (() => { throw new Error('expected auto or false'); })());
const level = (raw: string): string => {
  if (!['debug', 'info', 'warn', 'error'].includes(raw)) throw new Error('expected debug, info, warn or error');
  return raw;
};

export const SETTINGS: readonly SettingSpec[] = [
  { key: 'server.host', env: 'FLAMBEAU_HOST', flag: 'host', default: '127.0.0.1', doc: 'Address to listen on. Loopback by default; set 0.0.0.0 only behind a firewall.', parse: text },
  { key: 'server.port', env: 'FLAMBEAU_PORT', flag: 'port', default: 4141, doc: 'TCP port (0 picks a free one).', parse: int },
  { key: 'server.body_limit_bytes', env: 'FLAMBEAU_BODY_LIMIT_BYTES', default: 4 * 1024 * 1024, doc: 'Largest request body accepted; larger ones get 413 payload_too_large.', parse: int },
  { key: 'server.headers_timeout_ms', env: 'FLAMBEAU_HEADERS_TIMEOUT_MS', default: 20_000, doc: 'A client must send its request headers within this time, or gets 408 and is disconnected (slow-client protection).', parse: positiveInt },
  { key: 'server.request_timeout_ms', env: 'FLAMBEAU_REQUEST_TIMEOUT_MS', default: 60_000, doc: 'A client must send its whole request (headers and body) within this time, or gets 408. Streaming the answer back does not count. At least server.headers_timeout_ms.', parse: positiveInt },
  { key: 'server.keep_alive_timeout_ms', env: 'FLAMBEAU_KEEP_ALIVE_TIMEOUT_MS', default: 65_000, doc: 'How long an idle keep-alive connection stays open between requests (above the 60 s idle timeout of common load balancers).', parse: positiveInt },
  { key: 'server.max_connections', env: 'FLAMBEAU_MAX_CONNECTIONS', default: 1024, doc: 'Open client connections at most; further connections are dropped at once until one closes.', parse: positiveInt },
  { key: 'auth.master_key', env: 'FLAMBEAU_MASTER_KEY', default: null, secret: true, doc: 'Master API key (`env:NAME` or `file:PATH` in the file). Unset: generated on first start and kept in HOME/master.key (mode 600).', parse: text },
  { key: 'log.level', env: 'FLAMBEAU_LOG_LEVEL', default: 'info', doc: 'debug | info | warn | error. Logs never hold prompt or answer text unless log.include_content is true.', parse: level },
  { key: 'log.include_content', env: 'FLAMBEAU_LOG_INCLUDE_CONTENT', default: false, doc: 'Opt in to prompt and answer text in debug logs. Off by default.', parse: bool },
  { key: 'engine.idle_timeout_ms', env: 'FLAMBEAU_ENGINE_IDLE_TIMEOUT_MS', default: 300_000, doc: 'Unload a local model after this long without requests.', parse: int },
  { key: 'engine.gpu', env: 'FLAMBEAU_ENGINE_GPU', default: 'auto', doc: 'auto (use a GPU when llama.cpp finds one) or false (CPU only).', parse: gpu },
  { key: 'engine.max_queue', env: 'FLAMBEAU_ENGINE_MAX_QUEUE', default: 64, doc: 'Requests that may wait for a local model sequence; more get 503 engine_unavailable.', parse: int },
  { key: 'engine.threads', env: 'FLAMBEAU_ENGINE_THREADS', default: null, doc: 'Default CPU threads per local model, chat and embeddings (a model\'s `threads` wins). Unset: the available cores minus one, at least 1. A value above the cores is honoured with a warning.', parse: int },
  { key: 'knowledge.max_file_bytes', env: 'FLAMBEAU_KNOWLEDGE_MAX_FILE_BYTES', default: 100 * 1024 * 1024, doc: 'Ingest: a larger file is listed as excluded, not read (for a mailbox: a larger message).', parse: int },
  { key: 'knowledge.max_inflated_bytes', env: 'FLAMBEAU_KNOWLEDGE_MAX_INFLATED_BYTES', default: 100 * 1024 * 1024, doc: 'Ingest: most bytes a DOCX may inflate to, counted while inflating; over it the file is excluded.', parse: int },
  { key: 'knowledge.max_inflate_ratio', env: 'FLAMBEAU_KNOWLEDGE_MAX_INFLATE_RATIO', default: 100, doc: 'Ingest: most inflated bytes per byte of a DOCX (past the first MB); a zip bomb inflates hundreds of times.', parse: int },
  { key: 'knowledge.max_pdf_pages', env: 'FLAMBEAU_KNOWLEDGE_MAX_PDF_PAGES', default: 5000, doc: 'Ingest: a PDF with more pages is excluded.', parse: int },
  { key: 'knowledge.loader_memory_mb', env: 'FLAMBEAU_KNOWLEDGE_LOADER_MEMORY_MB', default: 1024, doc: 'Ingest: heap of the worker thread that converts DOCX and PDF; a file that needs more is excluded.', parse: int },
];
