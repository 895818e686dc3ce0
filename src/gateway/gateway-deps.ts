import type { RequestOutcome, RequestRecorder } from '../audit/request-outcome.js';
import type { BudgetLedger } from '../auth/budget-ledger.js';
import type { KeyStore } from '../auth/key-store.js';
import type { RateLimiter } from '../auth/rate-limiter.js';
import type { InjectionConfig, InjectionScanner } from '../injection/index.js';
import type { Knowledge } from '../knowledge/index.js';
import type { Logger } from '../log/logger.js';
import type { GatewayMetrics } from '../metrics/index.js';
import type { Tracing } from '../telemetry/index.js';
import type { ModelCatalog } from '../models/model-catalog.js';
import type { ChatInspection, PrivacyGuard } from '../privacy/index.js';
import type { ChatRequest } from '../providers/spec.js';
import type { Decision } from '../router/decide.js';
import type { RequestFacts } from '../router/request-facts.js';
import type { ResponseStore } from '../responses/response-store.js';
import type { Router } from '../router/router.js';
import type { RequestLog } from '../usage/request-log.js';
import type { ChatTarget } from './request.js';

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
  /** Shadow evaluation (src/shadow/): offered each settled chat answer; absent, nothing is offered. */
  shadow?: ShadowSink;
  /** Waits between retries; tests inject a recorder. */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  random?: () => number;
}

/**
 * A settled chat answer, as the shadow evaluation sees it: held in memory only, never stored
 * as text unless a shadow rule opts in. `offer` returns at once and never throws.
 */
export interface ShadowOffer {
  /** The request as it was routed (knowledge quoted in, injection screening applied), with its privacy inspection. */
  request: ChatRequest;
  inspection: ChatInspection;
  decision: Decision;
  facts: RequestFacts;
  /** The target that answered the client. */
  served: ChatTarget;
  /** The settled outcome: latency, usage and cost of the served answer. */
  outcome: RequestOutcome;
  /** The answer's text as the client got it (tool calls as their JSON). */
  answer: string;
}

export interface ShadowSink {
  offer(offer: ShadowOffer): void;
}
