import type { Reservation } from '../auth/budget-ledger.js';
import type { Price } from '../auth/price.js';
import type { RateLimitGrant } from '../auth/rate-limiter.js';
import type { RequestOutcome } from '../audit/request-outcome.js';
import { injectionHeader } from '../injection/index.js';
import type { Locality } from '../providers/spec.js';
import type { RequestTrace } from '../telemetry/index.js';

/** Which model actually answers: reported in response headers and recorded in the outcome. */
export interface ChatTarget {
  /** The catalog name (prices are looked up by it). */
  name: string;
  provider: string;
  model: string;
  locality: Locality;
  /**
   * What the answer costs, resolved with the target (the version answering, device-local: null):
   * settling prices the answer from it, without looking the model up again.
   */
  price: Price | null;
}

/**
 * One request in flight: its outcome record, filled by the spine's stages as they run, and the
 * handles the spine needs to settle it (rate-limit grant, budget hold). Inbound protocols read it
 * only through `responseHeaders`.
 */
export interface GatewayRequest {
  readonly outcome: RequestOutcome;
  /** `performance.now()` at the start: latency and time to first token count from it. */
  readonly t0: number;
  target: ChatTarget | null;
  grant: RateLimitGrant | null;
  reservation: Reservation | null;
  /** The x-ratelimit-* headers of the admission, granted or refused. */
  rateLimitHeaders: Readonly<Record<string, string>>;
  /** Outcomes are written once: before the last byte of a success, or when the response closes. */
  recorded: boolean;
  /** Prompt tokens the target read from its prompt cache, when it said so before the answer's headers. */
  cachedInputTokens: number | null;
  /** The request's trace while it runs (null when tracing is off, and once ended). */
  trace: RequestTrace | null;
}

/** A request as the HTTP edge first sees it: refused ones are recorded too. */
export function openRequest(requestId: string, endpoint: string, now: number = Date.now()): GatewayRequest {
  return {
    outcome: {
      requestId,
      startedAt: now,
      principal: null,
      claimedKeyId: null,
      endpoint,
      endpointKnown: false,
      model: null,
      route: null,
      provider: null,
      upstreamModel: null,
      locality: null,
      privacy: null,
      status: 0,
      errorCode: null,
      usage: null,
      costUsd: 0,
      heldUsd: null,
      latencyMs: 0,
      escalation: null,
    },
    t0: performance.now(),
    target: null,
    grant: null,
    reservation: null,
    rateLimitHeaders: {},
    recorded: false,
    cachedInputTokens: null,
    trace: null,
  };
}

/**
 * Names the endpoint once the route table matched it (`label` replaces a path that holds a client
 * string, such as `/v1/models/{model}`); `logged` endpoints also get a request log row.
 */
export function matchRequest(request: GatewayRequest, match: { label?: string; logged: boolean }): void {
  const { outcome } = request;
  outcome.endpointKnown = true;
  if (match.label !== undefined) outcome.endpoint = match.label;
  if (match.logged) outcome.log = { ttftMs: null, streamed: false };
}

/** Sets the answering target (each target tried sets it; the last one answered). */
export function setTarget(request: GatewayRequest, target: ChatTarget): void {
  request.target = target;
  request.outcome.provider = target.provider;
  request.outcome.upstreamModel = target.model;
  request.outcome.locality = target.locality;
}

/** The headers every response carries, success or error: id, route, target, rate limits. */
export function responseHeaders(request: GatewayRequest): Record<string, string> {
  const { outcome } = request;
  const headers: Record<string, string> = {};
  for (const name in request.rateLimitHeaders) headers[name] = request.rateLimitHeaders[name] as string;
  headers['x-request-id'] = outcome.requestId;
  if (outcome.route !== null) headers['x-flambeau-route'] = outcome.route;
  if (outcome.escalation != null) headers['x-flambeau-cascade'] = `escalated:${outcome.escalation}`;
  // Findings are rare: most requests skip building the header.
  const findings = outcome.injection;
  const injection = findings === undefined || findings.length === 0 ? null : injectionHeader(findings.map((f) => ({ ...f, flagged: true, signals: [] })));
  if (injection !== null) headers['x-flambeau-injection'] = injection;
  const privacy = privacyHeader(outcome.privacy);
  if (privacy !== null) headers['x-flambeau-privacy'] = privacy;
  if (request.target !== null) {
    headers['x-flambeau-provider'] = request.target.provider;
    headers['x-flambeau-model'] = request.target.model;
    headers['x-flambeau-locality'] = request.target.locality;
  }
  if (request.cachedInputTokens !== null) headers['x-flambeau-cache'] = `prompt-tokens-reused=${request.cachedInputTokens}`;
  return headers;
}

/**
 * `x-flambeau-privacy`: what the privacy guard found and did, by type and count, never a value:
 * `action=redact, EMAIL=1, PHONE=2`. Null when nothing was found.
 */
export function privacyHeader(privacy: RequestOutcome['privacy']): string | null {
  if (privacy === null) return null;
  const found = Object.entries(privacy.findings).filter(([, n]) => n > 0);
  if (found.length === 0) return null;
  const name = (type: string) => type.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 64);
  return [`action=${name(privacy.action ?? 'none')}`, ...found.map(([type, n]) => `${name(type)}=${n}`)].join(', ');
}
