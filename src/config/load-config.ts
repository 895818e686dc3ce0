import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, dirname, extname, isAbsolute, join, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { FlambeauError } from '../errors/index.js';
import { configFileSchema, type ConfigFile, type ModelFile, type ProviderFile } from './config-file-schema.js';
import type { GatewayConfig, ModelConfig, ProviderConfig, SettingSource } from './gateway-config.js';
import { resolveSecretRef, Secret } from './secret.js';
import { LOCATIONS, SETTINGS, trustProxyEntries } from './settings.js';
import { defaultHome, homePaths } from './home-layout.js';
import { useLocalProvider } from './local-provider.js';
import { toDeployment } from './sections/deployment-section.js';
import { injectionConfigSchema } from './sections/injection-section.js';
import type { KeylessLoopback } from './sections/ollama-section.js';
import { privacyConfigSchema } from './sections/privacy-section.js';
import { routingFileSchema } from './sections/routing-section.js';

export interface ConfigInputs {
  /** `--config`; when absent, FLAMBEAU_CONFIG, then ./flambeau.yaml if it exists. */
  configPath?: string;
  /** `--home`; when absent, FLAMBEAU_HOME, then ~/.flambeau. */
  home?: string;
  /** Scalar flags by SETTINGS flag name (host, port). */
  flags?: Record<string, string | undefined>;
  /** `--model PATH.gguf`, repeatable. */
  modelPaths?: string[];
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

const fail = (message: string, param?: string): FlambeauError => new FlambeauError('config_invalid', message, { param: param ?? null });

/**
 * Loads, validates and freezes the configuration: defaults < file < env < flags. Throws
 * `config_invalid` naming key and source. `routes:` is kept as written: the router checks its rules
 * (router/check-route-rules.ts), which `serve` and `config check` call right after this.
 */
export function loadConfig(inputs: ConfigInputs = {}): GatewayConfig {
  const env = inputs.env ?? process.env;
  const cwd = inputs.cwd ?? process.cwd();
  const home = expandHome(inputs.home ?? env[LOCATIONS.home.env] ?? defaultHome(), cwd);
  const configPath = findConfigFile(inputs.configPath ?? env[LOCATIONS.config.env], cwd);
  const { raw, file } = configPath === null ? { raw: {}, file: {} } : readConfigFile(configPath);
  const baseDir = configPath === null ? cwd : dirname(configPath);
  const warnings: string[] = [];

  const { values, explain } = resolveSettings({ raw, file, env, flags: inputs.flags ?? {}, baseDir, warnings });

  const headersTimeoutMs = values.get('server.headers_timeout_ms') as number;
  const requestTimeoutMs = values.get('server.request_timeout_ms') as number;
  // The request timeout covers the headers too (node:http refuses to start otherwise).
  if (headersTimeoutMs > requestTimeoutMs)
    throw fail(`server.headers_timeout_ms (${headersTimeoutMs}) must not exceed server.request_timeout_ms (${requestTimeoutMs}).`, 'server.headers_timeout_ms');

  const providers = (file.providers ?? []).map((p, i) => toProviderConfig(p, i, env, baseDir));
  const ids = new Set<string>();
  for (const provider of providers) {
    if (ids.has(provider.id)) throw fail(`providers: id "${provider.id}" is declared twice.`, 'providers');
    ids.add(provider.id);
  }
  const models = (file.models ?? []).map((m, i) => toModelConfig(m, i, providers, baseDir));
  addImplicitLocalModels(
    models,
    providers,
    home,
    (inputs.modelPaths ?? []).map((p) => expandHome(p, cwd)),
    warnings,
  );
  const names = new Set<string>();
  for (const model of models) {
    if (names.has(model.name)) throw fail(`models: name "${model.name}" is declared twice.`, 'models');
    names.add(model.name);
  }

  return Object.freeze({
    configPath,
    home,
    server: {
      host: values.get('server.host') as string,
      port: values.get('server.port') as number,
      bodyLimitBytes: values.get('server.body_limit_bytes') as number,
      headersTimeoutMs,
      requestTimeoutMs,
      keepAliveTimeoutMs: values.get('server.keep_alive_timeout_ms') as number,
      maxConnections: values.get('server.max_connections') as number,
    },
    auth: { masterKey: values.get('auth.master_key') as Secret | null },
    log: { level: values.get('log.level') as GatewayConfig['log']['level'], includeContent: values.get('log.include_content') as boolean },
    engine: {
      idleTimeoutMs: values.get('engine.idle_timeout_ms') as number,
      gpu: values.get('engine.gpu') as 'auto' | false,
      maxQueue: values.get('engine.max_queue') as number,
      threads: values.get('engine.threads') as number | null,
      preload: [...new Set(file.engine?.preload ?? [])],
    },
    providers,
    models,
    // The policy sections' scalars (no env or flag: settings.ts) come from the file or, through
    // their schemas, from the table's defaults.
    privacy: file.privacy ?? privacyConfigSchema.parse({}),
    injection: file.injection ?? injectionConfigSchema.parse({}),
    routes: file.routes ?? [],
    routing: file.routing ?? routingFileSchema.parse({}),
    shadow: file.shadow ?? [],
    audit: { enabled: values.get('audit.enabled') as boolean, includeContent: values.get('audit.include_content') as boolean },
    ui: {
      enabled: values.get('ui.enabled') as boolean,
      sessionTtlMinutes: values.get('ui.session_ttl_minutes') as number,
      secureCookie: values.get('ui.secure_cookie') as GatewayConfig['ui']['secureCookie'],
      trustProxy: trustProxyOf(values.get('ui.trust_proxy')),
    },
    metrics: { enabled: values.get('metrics.enabled') as boolean, publicOnLoopback: values.get('metrics.public_on_loopback') as boolean },
    telemetry: {
      otlpEndpoint: values.get('telemetry.otlp_endpoint') as string | null,
      exportIntervalMs: values.get('telemetry.export_interval_ms') as number,
      sampleRatio: values.get('telemetry.sample_ratio') as number,
    },
    responses: { retentionDays: values.get('responses.retention_days') as number },
    ollama: { keylessLoopback: keylessLoopbackOf(file, values.get('server.host') as string, warnings) },
    rateLimit: { redisUrl: values.get('rate_limit.redis_url') as Secret | null },
    cluster: {
      redisUrl: (values.get('cluster.redis_url') ?? values.get('rate_limit.redis_url')) as Secret | null,
      namespace: values.get('cluster.namespace') as string,
    },
    store: { url: values.get('store.url') as Secret | null },
    budget: { defaultMaxOutputTokens: values.get('budget.default_max_output_tokens') as number },
    knowledge: {
      embeddingModel: values.get('knowledge.embedding_model') as string | null,
      contextTokens: values.get('knowledge.context_tokens') as number,
      maxFileBytes: values.get('knowledge.max_file_bytes') as number,
      maxInflatedBytes: values.get('knowledge.max_inflated_bytes') as number,
      maxInflateRatio: values.get('knowledge.max_inflate_ratio') as number,
      maxPdfPages: values.get('knowledge.max_pdf_pages') as number,
      loaderMemoryMb: values.get('knowledge.loader_memory_mb') as number,
    },
    deployment: toDeployment(file.deployment),
    explain,
    warnings,
  });
}

function findConfigFile(explicit: string | undefined, cwd: string): string | null {
  if (explicit !== undefined && explicit !== '') {
    const path = resolve(cwd, explicit);
    if (!existsSync(path)) throw fail(`config file ${path} does not exist.`);
    return path;
  }
  const fallback = resolve(cwd, 'flambeau.yaml');
  return existsSync(fallback) ? fallback : null;
}

/** The file as written (to tell which keys it sets) and as checked (section defaults applied). */
function readConfigFile(path: string): { raw: unknown; file: ConfigFile } {
  let raw: unknown;
  try {
    raw = parseYaml(readFileSync(path, 'utf8'));
  } catch (error) {
    throw fail(`${path}: not valid YAML (${(error as Error).message.split('\n')[0]}).`);
  }
  const parsed = configFileSchema.safeParse(raw ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const key =
      issue === undefined
        ? ''
        : issue.path
            .map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`))
            .join('')
            .replace(/^\./, '');
    throw fail(`${path}: ${key || '(top level)'}: ${issue?.message ?? 'invalid'}.`, key);
  }
  return { raw, file: parsed.data };
}

interface SettingsInputs {
  raw: unknown;
  file: ConfigFile;
  env: NodeJS.ProcessEnv;
  flags: Record<string, string | undefined>;
  baseDir: string;
  warnings: string[];
}

/** Every row of SETTINGS settled: default < file < env < flag, secrets resolved, with its source for `config check`. */
function resolveSettings({ raw, file, env, flags, baseDir, warnings }: SettingsInputs): { values: Map<string, unknown>; explain: GatewayConfig['explain'] } {
  const explain: GatewayConfig['explain'] = [];
  const values = new Map<string, unknown>();
  for (const spec of SETTINGS) {
    let value: unknown = spec.default;
    let source: SettingSource = 'default';
    // Presence is read from the file as written: a section's schema fills in defaults.
    if (lookup(raw, spec.key) !== undefined) {
      value = lookup(file, spec.key);
      source = 'file';
    }
    const fromEnv = spec.env === undefined ? undefined : env[spec.env];
    if (spec.env !== undefined && fromEnv !== undefined && fromEnv !== '') {
      value = parseOrFail(spec.parse, fromEnv, `${spec.key} (from ${spec.env})`);
      source = 'env';
    }
    const fromFlag = spec.flag === undefined ? undefined : flags[spec.flag];
    if (spec.flag !== undefined && fromFlag !== undefined) {
      value = parseOrFail(spec.parse, fromFlag, `${spec.key} (from --${spec.flag})`);
      source = 'flag';
    }
    if (spec.secret === true && typeof value === 'string') {
      // In the file a secret is a reference; in the environment it is the value itself.
      const resolved = source === 'file' ? resolveSecretRef(value, env, baseDir, spec.key) : { secret: new Secret(value), source: 'env' as const };
      if (spec.warnIfInline === true && source === 'file' && resolved.source === 'inline')
        warnings.push(`${spec.key} is written inline in the config file; prefer env:NAME or file:PATH.`);
      value = resolved.secret;
    }
    values.set(spec.key, value);
    explain.push({ key: spec.key, value, source, secret: spec.secret === true, doc: spec.doc });
  }
  return { values, explain };
}

function lookup(file: unknown, key: string): unknown {
  let node: unknown = file;
  for (const part of key.split('.')) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[part];
  }
  return node;
}

/** `ui.trust_proxy` (a boolean or a list in the file, a string from the environment) as its address list. */
function trustProxyOf(value: unknown): readonly string[] {
  try {
    return trustProxyEntries(value as boolean | string | readonly string[]);
  } catch (error) {
    throw fail(`ui.trust_proxy: ${(error as Error).message}.`, 'ui.trust_proxy');
  }
}

function parseOrFail(parse: (raw: string) => unknown, raw: string, where: string): unknown {
  try {
    return parse(raw);
  } catch (error) {
    throw fail(`${where}: ${(error as Error).message}.`);
  }
}

function toProviderConfig(p: ProviderFile, index: number, env: NodeJS.ProcessEnv, baseDir: string): ProviderConfig {
  const where = `providers[${index}] (${p.id})`;
  if (p.type === 'llamacpp') {
    if (p.locality !== undefined && p.locality !== 'device')
      throw fail(`${where}: the embedded llamacpp engine runs on this device; locality must be device.`, `providers[${index}].locality`);
    if (p.base_url !== undefined)
      throw fail(`${where}: llamacpp runs embedded and takes no base_url (use type openai-compatible for a llama.cpp server).`, `providers[${index}].base_url`);
  } else {
    if (p.base_url === undefined) throw fail(`${where}: base_url is required for type ${p.type}.`, `providers[${index}].base_url`);
    if (p.locality === undefined)
      throw fail(`${where}: locality (device | lan | cloud) must be declared; it is never guessed.`, `providers[${index}].locality`);
  }
  const config: ProviderConfig = {
    id: p.id,
    type: p.type,
    locality: p.locality ?? 'device',
    headers: p.headers ?? {},
    timeouts: {
      ...(p.timeouts?.connect_ms === undefined ? {} : { connectTimeoutMs: p.timeouts.connect_ms }),
      ...(p.timeouts?.first_byte_ms === undefined ? {} : { firstByteTimeoutMs: p.timeouts.first_byte_ms }),
      ...(p.timeouts?.idle_ms === undefined ? {} : { idleTimeoutMs: p.timeouts.idle_ms }),
      ...(p.timeouts?.total_ms === undefined ? {} : { totalTimeoutMs: p.timeouts.total_ms }),
    },
    origin: 'file',
  };
  if (p.base_url !== undefined) config.baseUrl = p.base_url;
  if (p.api_key !== undefined) config.apiKey = resolveSecretRef(p.api_key, env, baseDir, `providers[${index}].api_key`).secret;
  if (p.max_connections !== undefined) config.maxConnections = p.max_connections;
  if (p.anthropic_version !== undefined) config.anthropicVersion = p.anthropic_version;
  return config;
}

function toModelConfig(m: ModelFile, index: number, providers: ProviderConfig[], baseDir: string): ModelConfig {
  const where = `models[${index}] (${m.name})`;
  const provider = providers.find((p) => p.id === m.provider);
  if (provider === undefined) throw fail(`${where}: provider "${m.provider}" is not declared under providers.`, `models[${index}].provider`);
  const price =
    m.price === undefined || provider.locality === 'device' ? null : { inputPerMTok: m.price.input_per_mtok, outputPerMTok: m.price.output_per_mtok };
  const config: ModelConfig = { name: m.name, provider: m.provider, model: m.model ?? m.name, origin: 'file', price };
  if (provider.type === 'llamacpp') {
    if (m.path === undefined) throw fail(`${where}: path to a .gguf file is required for a llamacpp model.`, `models[${index}].path`);
    const path = expandHome(m.path, baseDir);
    if (!existsSync(path)) throw fail(`${where}: model file ${path} does not exist.`, `models[${index}].path`);
    config.path = path;
    config.model = m.model ?? basename(path, extname(path));
  } else if (m.path !== undefined) {
    throw fail(`${where}: path is only for llamacpp models.`, `models[${index}].path`);
  }
  if (m.context !== undefined) config.context = m.context;
  if (m.threads !== undefined) config.threads = m.threads;
  if (m.parallel !== undefined) config.parallel = m.parallel;
  if (m.chat_template !== undefined) config.chatTemplate = m.chat_template;
  if (m.max_tokens !== undefined) config.maxTokens = m.max_tokens;
  return config;
}

/** Every HOME/models/*.gguf and each --model file becomes a local model named after its file stem. */
function addImplicitLocalModels(models: ModelConfig[], providers: ProviderConfig[], home: string, flagPaths: string[], warnings: string[]): void {
  const found: { path: string; origin: 'home' | 'flag' }[] = [];
  const modelsDir = homePaths(home).models;
  if (existsSync(modelsDir)) {
    for (const name of readdirSync(modelsDir).sort()) {
      const path = join(modelsDir, name);
      if (name.toLowerCase().endsWith('.gguf') && statSync(path).isFile()) found.push({ path, origin: 'home' });
    }
  }
  for (const path of flagPaths) {
    if (!existsSync(path)) throw fail(`--model ${path}: file does not exist.`, 'model');
    found.push({ path, origin: 'flag' });
  }
  if (found.length === 0) return;
  const local = useLocalProvider(providers);
  for (const { path, origin } of found) {
    const stem = basename(path, extname(path));
    if (models.some((m) => m.name === stem || m.path === path)) {
      if (!models.some((m) => m.path === path)) warnings.push(`model file ${path} is skipped: the name "${stem}" is already configured.`);
      continue;
    }
    models.push({ name: stem, provider: local.id, model: stem, path, origin, price: null });
  }
}

function expandHome(path: string, baseDir: string): string {
  const expanded = path === '~' ? homedir() : path.startsWith('~/') ? join(homedir(), path.slice(2)) : path;
  return isAbsolute(expanded) ? expanded : resolve(baseDir, expanded);
}

/**
 * `ollama.keyless_loopback`, with the warning it always earns: whatever runs on this machine (and
 * whoever reaches it through a reverse proxy on this host) may use the listed models without a key.
 */
function keylessLoopbackOf(file: ConfigFile, host: string, warnings: string[]): KeylessLoopback | null {
  const section = file.ollama?.keyless_loopback;
  if (section === undefined) return null;
  warnings.push(
    `ollama.keyless_loopback is on: any program on this machine may call the Ollama API (${section.endpoints.join(', ')}) without a key for the models ${section.models.join(', ')}` +
      ' (recorded as actor "loopback"). A reverse proxy on this host would extend that to every client behind it.' +
      (section.models.includes('*') ? ' Its models list is "*": every model, cloud ones included.' : '') +
      (isLoopbackHost(host) ? '' : ` server.host is ${host}: remote callers still need a key.`),
  );
  return { models: [...section.models], endpoints: [...section.endpoints] };
}

function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host === '::1' || host.startsWith('127.');
}
