// Real parts for the spine's stage tests: a SQLite store in a temp folder (keys, budgets, usage,
// audit, request log), the privacy guard, the router and its breakers, and a catalog of
// openai-compatible models. Their upstream is a closed port: stage tests inject what an attempt
// returns, and the e2e suites talk to the stand-in cloud.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAuditLog } from '../../audit/audit-log.js';
import { createRequestRecorder } from '../../audit/request-outcome.js';
import { homePaths } from '../../config/home-layout.js';
import { createBudgetLedger } from '../../auth/budget-ledger.js';
import { createKeyStore, type NewKey } from '../../auth/key-store.js';
import { createMemoryRateLimiter } from '../../auth/memory-rate-limiter.js';
import type { KeyPrincipal } from '../../auth/principal.js';
import { createTeamStore } from '../../auth/team-store.js';
import { createShippedInjectionScanner, injectionConfigSchema } from '../../injection/index.js';
import { createKnowledge } from '../../knowledge/index.js';
import { silentLogger } from '../../log/logger.js';
import { createModelCatalog } from '../../models/model-catalog.js';
import { createPrivacyGuard, privacyConfigSchema } from '../../privacy/index.js';
import { createOpenAiCompatibleProvider } from '../../providers/openai-compatible/openai-provider.js';
import type { Locality, Provider } from '../../providers/spec.js';
import { compileRoutes } from '../../router/compile-routes.js';
import { routingFileSchema } from '../../router/route-config.js';
import { createRouter } from '../../router/router.js';
import { openStore } from '../../store/store.js';
import { createResponseStore } from '../../responses/response-store.js';
import { createRequestLog } from '../../usage/request-log.js';
import { createUsageLog } from '../../usage/usage-log.js';
import { chunkScreen } from '../chunk-screen.js';
import type { GatewayDeps } from '../gateway-deps.js';

export const MASTER = 'flm-stage-test-master-key-0123456789';

export interface WorldModel {
  name: string;
  locality: Locality;
  /** USD per million tokens, input and output. */
  price?: number;
  maxTokens?: number;
}

export interface GatewayWorld {
  deps: GatewayDeps;
  /** A key's principal, as authentication makes it. */
  principal(key?: NewKey): Promise<KeyPrincipal>;
  /** Each retry wait, in ms. */
  sleeps: number[];
  close(): void;
}

export function gatewayWorld(
  models: WorldModel[],
  options: { routes?: unknown[]; routing?: Record<string, unknown>; injection?: Record<string, unknown> } = {},
): GatewayWorld {
  const home = mkdtempSync(join(tmpdir(), 'flambeau-stages-'));
  const store = openStore(homePaths(home).db);
  const providers = new Map<string, Provider>();
  for (const locality of ['device', 'lan', 'cloud'] as const) {
    // Port 9 (discard) is closed here: nothing in a stage test may reach an upstream by accident.
    providers.set(
      locality,
      createOpenAiCompatibleProvider({ id: locality, baseUrl: 'http://127.0.0.1:9/v1', locality, headers: {}, timeouts: { connectTimeoutMs: 200 } }),
    );
  }
  const catalog = createModelCatalog(
    models.map((m) => ({
      name: m.name,
      model: `upstream-${m.name}`,
      provider: m.locality,
      origin: 'file' as const,
      price: m.price === undefined ? null : { inputPerMTok: m.price, outputPerMTok: m.price },
      ...(m.maxTokens === undefined ? {} : { maxTokens: m.maxTokens }),
    })),
    providers,
  );
  const scorer = { score: () => 0.5, thresholdForCloudShare: () => 0.5 };
  const router = createRouter({
    routes: compileRoutes(options.routes ?? [], new Set(models.map((m) => m.name)), () => 0.5),
    settings: routingFileSchema.parse(options.routing ?? {}),
    catalog,
    scorer,
  });
  const teams = createTeamStore(store.sql);
  const keys = createKeyStore({ sql: store.sql, teams, masterKey: { reveal: () => MASTER } });
  const ledger = createBudgetLedger({ sql: store.sql });
  const usage = createUsageLog(store.sql);
  const audit = createAuditLog({ sql: store.sql });
  const requestLog = createRequestLog(store.sql);
  const sleeps: number[] = [];
  const deps: GatewayDeps = {
    catalog,
    privacy: createPrivacyGuard(privacyConfigSchema.parse({})),
    injection: createShippedInjectionScanner(injectionConfigSchema.parse(options.injection ?? {})),
    injectionConfig: injectionConfigSchema.parse(options.injection ?? {}),
    router,
    knowledge: createKnowledge({
      db: store.db,
      embedder: null,
      screen: chunkScreen(createShippedInjectionScanner(injectionConfigSchema.parse(options.injection ?? {}))),
    }),
    keys,
    ledger,
    limiter: createMemoryRateLimiter(),
    recorder: createRequestRecorder({ usage, audit, ledger, requestLog }),
    requestLog,
    responses: createResponseStore(store.sql, { retentionDays: 30 }),
    logger: silentLogger,
    defaultMaxOutputTokens: 4096,
    knowledgeContextTokens: 2000,
    startedAt: Date.now(),
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    random: () => 0.5,
  };
  return {
    deps,
    sleeps,
    principal: async (key = { name: 'stage-test' }) => keys.authenticate(`Bearer ${(await keys.create(key)).token}`),
    close() {
      deps.knowledge.close();
      store.close();
      rmSync(home, { recursive: true, force: true });
    },
  };
}
