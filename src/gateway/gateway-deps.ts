import type { RequestRecorder } from '../audit/request-outcome.js';
import type { BudgetLedger } from '../auth/budget-ledger.js';
import type { KeyStore } from '../auth/key-store.js';
import type { RateLimiter } from '../auth/rate-limiter.js';
import type { InjectionConfig, InjectionScanner } from '../injection/index.js';
import type { Knowledge } from '../knowledge/index.js';
import type { Logger } from '../log/logger.js';
import type { GatewayMetrics } from '../metrics/index.js';
import type { Tracing } from '../telemetry/index.js';
import type { ModelCatalog } from '../models/model-catalog.js';
import type { PrivacyGuard } from '../privacy/index.js';
import type { ResponseStore } from '../responses/response-store.js';
import type { Router } from '../router/router.js';
import type { RequestLog } from '../usage/request-log.js';

/** Everything the spine's stages use; made once by main.ts. */
export interface GatewayDeps {
  catalog: ModelCatalog;
  privacy: PrivacyGuard;
  injection: InjectionScanner;
  /** What the injection stage does per source (`injection:` section; the threshold is the scanner's). */
  injectionConfig: InjectionConfig;
  router: Router;
  knowledge: Knowledge;
  keys: KeyStore;
  ledger: BudgetLedger;
  limiter: RateLimiter;
  /** Null when `audit.enabled` is false: holds are then settled directly, nothing is written. */
  recorder: RequestRecorder | null;
  requestLog: RequestLog;
  /** Responses API responses stored with `store: true`. */
  responses: ResponseStore;
  /** Where accounting anomalies are reported (facts only, never text). */
  logger: Logger;
  /** Output tokens assumed for a budget hold when neither request nor model sets max_tokens. */
  defaultMaxOutputTokens: number;
  /** Tokens of retrieved text a prompt may carry; what does not fit is reported. */
  knowledgeContextTokens: number;
  /** Unix ms the gateway started: the `created` of every model object. */
  startedAt: number;
  /** Prometheus counters (`GET /metrics`); absent, nothing is counted. */
  metrics?: GatewayMetrics;
  /** OpenTelemetry traces (`telemetry.otlp_endpoint`); absent, nothing is traced. */
  tracing?: Tracing;
  /** Waits between retries; tests inject a recorder. */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  random?: () => number;
}
