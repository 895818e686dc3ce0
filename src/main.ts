import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import type { Duplex } from 'node:stream';
import { createRequestHandler } from './api/http/app.js';
import type { DashboardDeps } from './api/http/dashboard-deps.js';
import { loadUiAssets } from './api/ui/ui-assets.js';
import type { UiDeps } from './api/ui/ui-routes.js';
import { createSignInLimiter } from './api/ui/ui-session.js';
import { trustedProxies } from './api/ui/trusted-proxies.js';
import { fileURLToPath } from 'node:url';
import { createModelOverview } from './models/model-overview.js';
import { createSqliteDashboardQueries } from './usage/dashboard-queries.js';
import { createPgDashboardQueries } from './usage/dashboard-queries-pg.js';
import { shadowReport } from './shadow/shadow-report.js';
import { createDashboardSessions } from './auth/dashboard-sessions.js';
import { ensureMasterKey } from './auth/master-key.js';
import type { GatewayConfig } from './config/gateway-config.js';
import { homePaths } from './config/home-layout.js';
import type { Secret } from './config/secret.js';
import { createEngine } from './engine/child-engine.js';
import type { Engine } from './engine/engine.js';
import { threadsWarnings } from './engine/engine-threads.js';
import { CODES } from './errors/index.js';
import { createLogger, type Logger } from './log/logger.js';
import { createModelCatalog, type ModelCatalog } from './models/model-catalog.js';
import { startPreload, type ModelPreload } from './models/model-preload.js';
import { checkServedLicences, enforceLicences } from './models/licence/check-served-licences.js';
import { createVersionSource, withRegisteredModels } from './models/served-models.js';
import { announcingKeyStore, followCluster, openClusterBus, type ClusterBus } from './cluster/index.js';
import { createModelStore } from './models/store/model-store.js';
import { createVersionRegistry } from './models/versions/version-registry.js';
import { createProvider } from './providers/registry.js';
import type { Provider } from './providers/spec.js';
import { chunkScreen } from './gateway/chunk-screen.js';
import { createShippedInjectionScanner } from './injection/index.js';
import { createGatewayMetrics, gaugeSourcesOf } from './metrics/index.js';
import { createTracing, type Tracing } from './telemetry/index.js';
import { createPrivacyGuard, type Detector } from './privacy/index.js';
import { loadComplexityScorer } from './router/complexity/load-complexity-scorer.js';
import { compileRoutes } from './router/compile-routes.js';
import { startHealthMonitor } from './router/health-monitor.js';
import { createRouter, type ComplexityScorer, type Router } from './router/router.js';
import { openConfiguredStore, type Store } from './store/store.js';
import { createAuditLog, createRequestRecorder, type AuditLog, type RequestRecorder } from './audit/index.js';
import { afterFlush, auditAfterFlush } from './audit/flushed-reads.js';
import type { JournalEvent, RecordJournalOptions } from './audit/journaled-records.js';
import { ensureAuditKey } from './audit/audit-key.js';
import {
  createBudgetLedger,
  createKeyStore,
  createLocalHolds,
  DEFAULT_RESERVATION_TTL_MS,
  type LocalHolds,
  createMemoryRateLimiter,
  keylessLoopbackPrincipal,
  createRedisRateLimiter,
  createTeamStore,
  type RateLimiter,
} from './auth/index.js';
import { createUsageLog } from './usage/usage-log.js';
import { createResponseStore } from './responses/response-store.js';
import { createEvalStore } from './eval/index.js';
import { knownEmbeddingModelNames } from './models/known-models.js';
import { createKnowledge, embedderOf, knowledgeEmbeddingModel, type Embedder, type Knowledge } from './knowledge/index.js';
import { createRequestLog, type RequestLog } from './usage/request-log.js';
import { compileShadowRules, createShadowEvaluator, createShadowStore, type ShadowEvaluator } from './shadow/index.js';

export interface GatewayHandle {
  url: string;
  /** The dashboard's address (`${url}/ui/`), null when `ui.enabled` is false. */
  uiUrl: string | null;
  host: string;
  port: number;
  masterKey: Secret;
  /** True when this start generated the master key (the CLI prints it once). */
  masterKeyGenerated: boolean;
  masterKeyPath: string | null;
  config: GatewayConfig;
  catalog: ModelCatalog;
  store: Store;
  /** Its `recent` first applies the request records still in the journal. */
  requestLog: RequestLog;
  /** Applies the request records still in the journal (decision 0019): then the store's tables hold every acknowledged request. */
  flushRecords(): Promise<void>;
  router: Router;
  knowledge: Knowledge;
  /** Shadow evaluation, when `shadow:` has rules. */
  shadow: ShadowEvaluator | null;
  /** The embedded engine, when a llamacpp model is configured. */
  engine(): Engine | undefined;
  close(): Promise<void>;
}

export interface StartOptions {
  logger?: Logger;
  /** Milliseconds that in-flight requests get to finish on close. */
  drainMs?: number;
  /** Replaces the privacy detectors built from the config (tests inject failing ones). */
  privacyDetectors?: Detector[];
  /** Replaces the shipped complexity scorer. */
  scorer?: ComplexityScorer;
  /** Clock for circuit breakers (tests). */
  now?: () => number;
  /** The record journal's apply window and staleness (tests hold the window open to kill the process before an apply). */
  recordJournal?: Pick<RecordJournalOptions, 'windowMs' | 'staleMs'>;
}

/** How long an instance of a cluster trusts its cached model pointers when no event arrives (as keys: DEFAULT_KEY_CACHE_TTL_MS). */
const CLUSTER_CACHE_MS = 10_000;

/** The shipped scorer, loaded on first use: configs whose rules never test complexity never pay for it. */
function lazyScorer(weightsPath?: string): ComplexityScorer {
  let loaded: ComplexityScorer | undefined;
  const get = (): ComplexityScorer => (loaded ??= loadComplexityScorer(weightsPath));
  return { score: (text) => get().score(text), thresholdForCloudShare: (share) => get().thresholdForCloudShare(share) };
}

/** The knowledge embedder (see knowledgeEmbeddingModel: `flambeau ingest` chooses the same). */
function knowledgeEmbedder(catalog: ModelCatalog, configured: string | null, logger: Logger): Embedder | null {
  const entry = knowledgeEmbeddingModel(catalog, configured, undefined, knownEmbeddingModelNames());
  if (entry === undefined) return null;
  if (entry.locality !== 'device')
    logger.warn('knowledge.embedding_model is not device-local: document text is sent to it to be embedded', { model: entry.name, locality: entry.locality });
  return embedderOf(entry.embedding, entry.name);
}

/**
 * The node:http server with the slow-client limits of `server.*`. The header and request
 * timeouts cover receiving the request only: node stops their clock once the body is in (or the
 * answer is complete), so a long streamed answer is never cut. Past `max_connections` node drops
 * new connections at once; clients see a reset and retry (the OpenAI SDKs do).
 */
function createHttpServer(settings: GatewayConfig['server'], handler: (req: IncomingMessage, res: ServerResponse) => void): Server {
  const server = createServer(
    {
      headersTimeout: settings.headersTimeoutMs,
      requestTimeout: settings.requestTimeoutMs,
      keepAliveTimeout: settings.keepAliveTimeoutMs,
      // Node checks the two timeouts on this tick (default 30 s, which would let a 1 s timeout run 31 s).
      connectionsCheckingInterval: Math.min(30_000, Math.max(100, Math.floor(settings.headersTimeoutMs / 4))),
    },
    handler,
  );
  server.maxConnections = settings.maxConnections;
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => {
    // Malformed or too slow HTTP never reaches the handler (or is cut while it reads the body):
    // answer in the same envelope, then close. Nothing is written once an answer has begun.
    const started = (socket as Duplex & { _httpMessage?: ServerResponse | null })._httpMessage?.headersSent === true;
    if (socket.writable && !started) {
      const timeout = error.code === 'ERR_HTTP_REQUEST_TIMEOUT';
      const body = JSON.stringify({
        error: timeout
          ? {
              message: 'The request did not arrive in time (server.request_timeout_ms / server.headers_timeout_ms).',
              type: CODES.request_timeout.type,
              param: null,
              code: 'request_timeout',
            }
          : { message: `Malformed HTTP request (${error.code ?? 'error'}).`, type: CODES.invalid_request.type, param: null, code: 'invalid_request' },
      });
      // Destroyed once written: a client that keeps trickling bytes must not hold the socket half-open.
      socket.end(
        `HTTP/1.1 ${timeout ? '408 Request Timeout' : '400 Bad Request'}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
        () => socket.destroy(error),
      );
    } else socket.destroy(error);
  });
  return server;
}

/** The composition root: the only place that wires real parts together. */
export async function startGateway(config: GatewayConfig, options: StartOptions = {}): Promise<GatewayHandle> {
  const logger = options.logger ?? createLogger(config.log.level);
  // The server's event loop never waits for a WAL checkpoint's fsyncs: a thread runs them.
  const store = await openConfiguredStore(homePaths(config.home).db, config.store.url?.reveal() ?? null, { checkpointThread: true });
  const { key: masterKey, generated, path: masterKeyPath } = ensureMasterKey(config.auth.masterKey, config.home);
  let engine: Engine | undefined;
  const getEngine = (): Engine =>
    (engine ??= createEngine({
      idleTimeoutMs: config.engine.idleTimeoutMs,
      gpu: config.engine.gpu,
      maxQueue: config.engine.maxQueue,
      threads: config.engine.threads,
      logger,
    }));
  const providers = new Map<string, Provider>();
  let ready = false;
  let preload: ModelPreload | undefined;
  let health: { stop(): void } | undefined;
  let limiter: RateLimiter | undefined;
  let tracing: Tracing | null = null;
  let requestLogRef: RequestLog | undefined;
  let knowledgeRef: Knowledge | undefined;
  let auditRef: AuditLog | undefined;
  let recorderRef: RequestRecorder | null = null;
  let shadow: ShadowEvaluator | null = null;
  let server: Server | undefined;
  let bus: ClusterBus | undefined;
  let holds: LocalHolds | null = null;
  try {
    // Instances sharing one store hear each other's key revocations and model changes (cluster/).
    bus = await openClusterBus(config.cluster, logger);
    const clusterBus = bus;
    // Models pulled or imported into HOME/models are served by name; their version pointers are read per request.
    const modelStore = createModelStore(config.home);
    const versions = createVersionRegistry(store.sql);
    const served = await withRegisteredModels(config.models, config.providers, versions, modelStore);
    for (const provider of served.providers) providers.set(provider.id, createProvider(provider, { engine: getEngine }));
    for (const warning of threadsWarnings({ engine: config.engine, ...served })) logger.warn(warning);
    if (config.deployment !== null) {
      const report = await checkServedLicences(served.models, modelStore, config.deployment);
      for (const line of enforceLicences(report, config.deployment))
        logger.warn('licence policy: serving anyway (deployment.on_licence_violation: warn)', { detail: line });
    }
    // In a cluster, pointers are cached (10 s) and dropped by the bus's model-changed events; alone,
    // they are read once per request, so a `models promote` applies at the next request (on SQLite,
    // only when a write has committed since the last read: the store's change stamp).
    const versionSource = createVersionSource(versions, modelStore, {
      ...(bus.kind === 'redis'
        ? { sharedTurns: bus, cacheMs: CLUSTER_CACHE_MS }
        : store.sql.changeStamp === undefined
          ? {}
          : { changeStamp: store.sql.changeStamp }),
      onError: (what, error) => logger.warn(`${what} failed`, { error: error.message }),
    });
    await versionSource.prime(await versions.names());
    const catalog = createModelCatalog(served.models, providers, { versions: versionSource });
    // Loads run while the server starts listening; /readyz says 503 until they are done.
    preload = startPreload(config.engine.preload, served.models, providers, logger);
    const requestLog = createRequestLog(store.sql, { onError: (error) => logger.error('request log write failed', { error: String(error) }) });
    requestLogRef = requestLog;
    const startedAt = Date.now();
    const privacy = createPrivacyGuard(config.privacy, options.privacyDetectors === undefined ? {} : { detectors: options.privacyDetectors });
    const scorer =
      options.scorer ??
      lazyScorer(
        config.routing.complexity_weights === undefined
          ? undefined
          : resolve(config.configPath === null ? process.cwd() : dirname(config.configPath), config.routing.complexity_weights),
      );
    const routes = compileRoutes(config.routes, new Set(served.models.map((m) => m.name)), (share) => scorer.thresholdForCloudShare(share));
    const router = createRouter({ routes, settings: config.routing, catalog, scorer, ...(options.now === undefined ? {} : { now: options.now }) });
    health = startHealthMonitor({ providers: [...providers.values()], breakers: router.breakers, intervalMs: config.routing.health_interval_ms, logger });
    const teams = createTeamStore(store.sql);
    const ownKeys = createKeyStore({ sql: store.sql, teams, masterKey });
    const keys = announcingKeyStore(ownKeys, clusterBus);
    followCluster(clusterBus, { keys: ownKeys, versions: versionSource });
    // Alone on its SQLite file, this gateway holds budgets in memory; it hands them over as rows
    // when another instance joins (docs/decisions/0020). PostgreSQL: always rows.
    if (store.sql.dialect === 'sqlite') {
      holds = createLocalHolds({
        db: store.db,
        sql: store.sql,
        reservationTtlMs: DEFAULT_RESERVATION_TTL_MS,
        onState: (state) => logger.debug('budget holds', { state }),
        onError: (error) => logger.warn('budget hold registry', { error: String(error) }),
      });
      await holds.join();
    }
    const ledger = createBudgetLedger({ sql: store.sql, ...(holds === null ? {} : { local: holds }) });
    const usage = createUsageLog(store.sql);
    // The chain's MAC key and head live beside the database, not in it (docs/decisions/0005).
    const auditKey = ensureAuditKey(config.home).key;
    const audit = createAuditLog({
      sql: store.sql,
      includeContent: config.audit.includeContent,
      keyed: { key: auditKey, headPath: homePaths(config.home).auditHead, onTamper: (reason) => logger.error('audit chain', { reason }) },
    });
    auditRef = audit;
    // SQLite: each request's record is journaled before its last byte and applied in groups (decision 0019).
    const journal = store.sql.dialect === 'sqlite' ? { dir: homePaths(config.home).journal, onEvent: logJournal(logger), ...options.recordJournal } : undefined;
    const recorder = config.audit.enabled
      ? createRequestRecorder({
          usage,
          audit,
          ledger,
          requestLog,
          labelKey: auditKey,
          includeContent: config.audit.includeContent,
          ...(journal === undefined ? {} : { journal }),
        })
      : null;
    recorderRef = recorder;
    // Records acknowledged by a process of this home that died: in the tables before the first request.
    await recorder?.replayOrphans();
    const flushRecords = (): Promise<void> => recorder?.flush() ?? Promise.resolve();
    limiter =
      config.rateLimit.redisUrl === null
        ? createMemoryRateLimiter()
        : createRedisRateLimiter({ url: config.rateLimit.redisUrl.reveal(), onError: (error) => logger.error('redis rate limiter', { error: String(error) }) });
    tracing =
      config.telemetry.otlpEndpoint === null
        ? null
        : createTracing({
            endpoint: config.telemetry.otlpEndpoint,
            serviceVersion: packageVersion(),
            exportIntervalMs: config.telemetry.exportIntervalMs,
            sampleRatio: config.telemetry.sampleRatio,
          });
    // One scanner per process: chat scans with it, and so does an ingest through this gateway.
    const injection = createShippedInjectionScanner(config.injection);
    // Chat scans user messages or tool results: the model loads now, not in the first request.
    if (config.injection.user !== 'allow' || config.injection.tools !== 'allow') injection.preload();
    const knowledge = createKnowledge({
      db: store.db,
      embedder: knowledgeEmbedder(catalog, config.knowledge.embeddingModel, logger),
      screen: chunkScreen(injection),
    });
    knowledgeRef = knowledge;
    const metrics = config.metrics.enabled
      ? createGatewayMetrics(gaugeSourcesOf({ catalog, breakers: router.breakers, keys, teams, ledger: afterFlush(ledger, flushRecords, ['use']), tracing }), {
          user: config.injection.user,
          document: config.injection.documents,
          tool: config.injection.tools,
        })
      : undefined;
    const shadowRules = compileShadowRules(config.shadow, new Set(served.models.map((m) => m.name)), (share) => scorer.thresholdForCloudShare(share));
    if (shadowRules.length > 0)
      shadow = createShadowEvaluator({
        rules: shadowRules,
        catalog,
        privacy,
        router,
        store: createShadowStore(store.sql),
        logger,
        ...(metrics === undefined ? {} : { metrics }),
      });
    const dashboard: DashboardDeps = {
      // The aggregates read where usage, the request log and the audit chain live (store.url: PostgreSQL).
      queries: afterFlush(store.sql.dialect === 'postgres' ? createPgDashboardQueries(store.sql) : createSqliteDashboardQueries(store.db), flushRecords, [
        'overview',
        'privacy',
        'routing',
        'recentAudit',
      ]),
      models: announcingModelChanges(createModelOverview({ catalog, registry: versions, store: modelStore, deployment: config.deployment }), (name) => {
        // As the CLI does: this instance reads the pointers again at its next request, the others when the event arrives.
        versionSource.invalidate(name);
        void clusterBus.publish({ type: 'model-changed', name }).catch(() => undefined);
      }),
      collections: async () => knowledge.collections(),
      embedder: knowledge.embedder?.model ?? null,
      routes: () =>
        routes.map((r) => ({
          name: r.name,
          targets: r.targets.map((model) => {
            const entry = catalog.list().find((e) => e.name === model);
            return { model, provider: entry?.provider.id ?? null, locality: entry?.locality ?? null, price: entry?.config.price ?? null };
          }),
        })),
      // Every provider a model uses, closed until it fails (the snapshot holds only the ones that did).
      breakers: () => {
        const seen = router.breakers.snapshot();
        const ids = new Set(catalog.list().map((e) => e.provider.id));
        return Object.fromEntries([...ids].sort().map((id) => [id, seen[id] ?? { state: router.breakers.state(id), failures: 0 }]));
      },
      shadowReport: async (since) => shadowReport(await createShadowStore(store.sql).list(since)),
    };
    const ui: UiDeps | null = config.ui.enabled
      ? {
          assets: loadUiAssets(fileURLToPath(new URL('../dist/web/', import.meta.url))),
          sessions: createDashboardSessions({ sql: store.sql, ttlMs: config.ui.sessionTtlMinutes * 60_000 }),
          signIn: createSignInLimiter(10),
          sessionTtlMs: config.ui.sessionTtlMinutes * 60_000,
          secureCookie: config.ui.secureCookie,
          trustProxy: trustedProxies(config.ui.trustProxy),
        }
      : null;
    if (ui !== null && !ui.assets.built) logger.warn('the dashboard is not built (dist/web): /ui says so until `npm run build`');
    const handler = createRequestHandler({
      ui,
      gateway: {
        catalog,
        privacy,
        injection,
        injectionConfig: config.injection,
        router,
        knowledge,
        keys,
        ledger,
        limiter,
        recorder,
        requestLog,
        responses: createResponseStore(store.sql, { retentionDays: config.responses.retentionDays }),
        logger,
        defaultMaxOutputTokens: config.budget.defaultMaxOutputTokens,
        knowledgeContextTokens: config.knowledge.contextTokens,
        startedAt,
        ...(metrics === undefined ? {} : { metrics }),
        ...(shadow === null ? {} : { shadow }),
        ...(tracing === null ? {} : { tracing }),
      },
      // Admin reads see every acknowledged request: the journal is applied first.
      admin: {
        keys,
        teams,
        ledger: afterFlush(ledger, flushRecords, ['use']),
        usage: afterFlush(usage, flushRecords, ['summarize', 'forRequest']),
        audit: auditAfterFlush(audit, flushRecords),
        evals: createEvalStore(store.sql),
        bodyLimitBytes: config.server.bodyLimitBytes,
        dashboard,
      },
      bodyLimitBytes: config.server.bodyLimitBytes,
      keylessLoopback: config.ollama.keylessLoopback === null ? null : keylessLoopbackPrincipal(config.ollama.keylessLoopback),
      metricsPublicOnLoopback: config.metrics.publicOnLoopback,
      isReady: () => ready,
      modelsNotReady: () => preload?.state() ?? { loading: [], failed: [] },
      logger,
    });
    server = createHttpServer(config.server, handler);
    const listening = server;
    await new Promise<void>((resolve, reject) => {
      listening.once('error', reject);
      listening.listen(config.server.port, config.server.host, () => {
        listening.off('error', reject);
        resolve();
      });
    });
    const address = listening.address() as AddressInfo;
    const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    ready = true;
    let closing: Promise<void> | undefined;
    return {
      url: `http://${host}:${address.port}`,
      uiUrl: config.ui.enabled ? `http://${host}:${address.port}/ui/` : null,
      host: address.address,
      port: address.port,
      masterKey,
      masterKeyGenerated: generated,
      masterKeyPath,
      config,
      catalog,
      store,
      requestLog: afterFlush(requestLog, flushRecords, ['recent']),
      flushRecords,
      router,
      knowledge,
      shadow,
      engine: () => engine,
      close: () => (closing ??= shutdown(listening, options.drainMs ?? 10_000)),
    };
  } catch (error) {
    preload?.cancel();
    await shadow?.close();
    health?.stop();
    await limiter?.close().catch(() => undefined);
    await bus?.close().catch(() => undefined);
    await tracing?.shutdown().catch(() => undefined);
    await Promise.allSettled([...providers.values()].map((p) => p.close()));
    await engine?.shutdown().catch(() => undefined);
    server?.close();
    await recorderRef?.close().catch(() => undefined);
    auditRef?.close();
    await holds?.leave().catch(() => undefined);
    await store.close().catch(() => undefined);
    throw error;
  }

  async function shutdown(listening: Server, drainMs: number): Promise<void> {
    ready = false;
    preload?.cancel();
    const closed = new Promise<void>((resolve) => listening.close(() => resolve()));
    listening.closeIdleConnections();
    const timer = setTimeout(() => listening.closeAllConnections(), drainMs);
    await closed;
    clearTimeout(timer);
    // Shadow calls in flight are abandoned (not stored): the store closes below.
    await shadow?.close();
    health?.stop();
    await limiter?.close().catch(() => undefined);
    await bus?.close().catch(() => undefined);
    await Promise.allSettled([...providers.values()].map((p) => p.close()));
    await engine?.shutdown().catch(() => undefined);
    // Every journaled record into the store; if it fails, the journal stays for the next start.
    await recorderRef?.close().catch((error: unknown) => logger.error('request records left in the journal', { error: String(error) }));
    await requestLogRef?.flush().catch(() => undefined);
    // The last spans go out before the process ends (the batch exporter holds them up to an interval).
    await tracing?.shutdown().catch(() => undefined);
    knowledgeRef?.close();
    auditRef?.close();
    // Last: the settlements above are done; holds of calls still in flight are left as rows.
    await holds?.leave().catch((error: unknown) => logger.warn('budget hold registry', { error: String(error) }));
    await store.close();
  }
}

/** flambeau's version, as the package says (dist/ and src/ both sit one level below it). */
function packageVersion(): string {
  try {
    return (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version?: string }).version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

/** The dashboard's model actions, with `announce(name)`: called by the route once the action has committed. */
function announcingModelChanges(models: ReturnType<typeof createModelOverview>, changed: (name: string) => void): DashboardDeps['models'] {
  return { ...models, announce: changed };
}

/** What the record journal tells the log: request ids and codes, never a request's text. */
function logJournal(logger: Logger): (event: JournalEvent) => void {
  return (event) => {
    if (event.kind === 'dropped') logger.error('a request record was dropped: its rows failed to apply', { requestId: event.requestId, code: event.code });
    else if (event.kind === 'apply-failed')
      logger.warn('applying request records failed; they stay in the journal', { code: event.code, pending: event.pending, retryInMs: event.retryInMs });
    else if (event.torn > 0 || event.unreadable > 0) logger.warn('replayed a record journal with unreadable records', { ...event });
    else logger.info('replayed a record journal', { ...event });
  };
}
