import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { RequestOutcome } from '../audit/request-outcome.js';

/** A gauge's current values, read when Prometheus scrapes (breakers, engine, budgets). */
export interface GaugeSources {
  /** Providers whose circuit breaker is open (1) or not (0). */
  breakers(): { provider: string; open: boolean }[];
  /** Local models: requests waiting for a sequence, and whether the engine holds them. */
  engine(): { model: string; queued: number; loaded: boolean }[];
  /** USD left in the current period of each key or team that has a budget. */
  budgets(): Promise<{ scope: 'key' | 'team'; name: string; remainingUsd: number }[]>;
}

/**
 * The gateway's Prometheus metrics. Label values are bounded by what the operator configured
 * (models, routes, providers, keys, teams): a string the caller controls never becomes a label
 * (an unknown model is `other`, as the audit stores it as a keyed label).
 */
export interface GatewayMetrics {
  /** Once per request, when its outcome is complete (gateway/stages/settle.ts). */
  observeRequest(outcome: RequestOutcome): void;
  /** An attempt on a provider failed (retried or not). `code` is flambeau's error code. */
  observeUpstreamError(provider: string, code: string): void;
  /**
   * A shadow comparison ended (`agree`, `disagree`, `error`, `denied`) or was never run
   * (`dropped`: queue full; `over_budget`). `route` is a configured route name.
   */
  observeShadow(route: string, outcome: string): void;
  /** The text exposition format (version 0.0.4) and its content type. */
  render(): Promise<{ contentType: string; body: string }>;
}

// Seconds: a cached local answer takes milliseconds, a long cloud generation minutes.
const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];
const TTFT_BUCKETS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60];

/**
 * `injectionActions`: what the config does with a finding from each source (`injection:`), the
 * action label of `flambeau_injection_findings_total`.
 */
export function createGatewayMetrics(sources: GaugeSources, injectionActions: Readonly<Record<'user' | 'document' | 'tool', string>>): GatewayMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const requests = new Counter({
    name: 'flambeau_requests_total',
    help: 'Requests answered, by endpoint, route, model, provider, locality and HTTP status.',
    labelNames: ['endpoint', 'route', 'model', 'provider', 'locality', 'status'] as const,
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'flambeau_request_duration_seconds',
    help: 'Time from the request to its last byte (or its refusal), by endpoint and locality.',
    labelNames: ['endpoint', 'locality'] as const,
    buckets: DURATION_BUCKETS,
    registers: [registry],
  });
  const ttft = new Histogram({
    name: 'flambeau_time_to_first_token_seconds',
    help: 'Time from the request to the first token of a streamed answer, by model and locality.',
    labelNames: ['model', 'locality'] as const,
    buckets: TTFT_BUCKETS,
    registers: [registry],
  });
  const tokens = new Counter({
    name: 'flambeau_tokens_total',
    help: 'Tokens read (input) and written (output) by models, by model and locality.',
    labelNames: ['direction', 'model', 'locality'] as const,
    registers: [registry],
  });
  const cost = new Counter({
    name: 'flambeau_cost_usd_total',
    help: 'Cost in USD of the answers, by model, key and team (master: the master key).',
    labelNames: ['model', 'key', 'team'] as const,
    registers: [registry],
  });
  const privacy = new Counter({
    name: 'flambeau_privacy_findings_total',
    help: 'Personal data and secrets found in requests, by type and the action taken.',
    labelNames: ['type', 'action'] as const,
    registers: [registry],
  });
  const injection = new Counter({
    name: 'flambeau_injection_findings_total',
    help: 'Prompt-injection findings, by source (user, document, tool) and the action taken.',
    labelNames: ['source', 'action'] as const,
    registers: [registry],
  });
  const upstreamErrors = new Counter({
    name: 'flambeau_upstream_errors_total',
    help: 'Failed attempts on a provider, by provider and error code.',
    labelNames: ['provider', 'code'] as const,
    registers: [registry],
  });
  const shadow = new Counter({
    name: 'flambeau_shadow_comparisons_total',
    help: 'Shadow evaluations of live answers, by route and outcome (agree, disagree, error, denied, dropped, over_budget).',
    labelNames: ['route', 'outcome'] as const,
    registers: [registry],
  });
  new Gauge({
    name: 'flambeau_breaker_open',
    help: "1 while a provider's circuit breaker is open or half-open, else 0.",
    labelNames: ['provider'] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const { provider, open } of sources.breakers()) this.set({ provider }, open ? 1 : 0);
    },
  });
  new Gauge({
    name: 'flambeau_engine_queue_depth',
    help: 'Requests waiting for a sequence of a local model.',
    labelNames: ['model'] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const { model, queued } of sources.engine()) this.set({ model }, queued);
    },
  });
  new Gauge({
    name: 'flambeau_engine_model_loaded',
    help: '1 while a local model is loaded in the engine, else 0.',
    labelNames: ['model'] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const { model, loaded } of sources.engine()) this.set({ model }, loaded ? 1 : 0);
    },
  });
  new Gauge({
    name: 'flambeau_budget_remaining_usd',
    help: 'USD left in the current period of a key or team budget.',
    labelNames: ['scope', 'name'] as const,
    registers: [registry],
    async collect() {
      const budgets = await sources.budgets();
      this.reset();
      for (const { scope, name, remainingUsd } of budgets) this.set({ scope, name }, remainingUsd);
    },
  });

  // Label sets seen so far, each bound once: prom-client hashes a label object on every call,
  // which would cost more than the rest of the counting. Their number is bounded as the labels are.
  const requestChildren = new Map<string, Counter.Internal>();
  const durationChildren = new Map<string, Histogram.Internal<string>>();
  const ttftChildren = new Map<string, Histogram.Internal<string>>();
  const tokenChildren = new Map<string, [Counter.Internal, Counter.Internal]>();
  const costChildren = new Map<string, Counter.Internal>();

  return {
    observeRequest(outcome) {
      try {
        countRequest(outcome);
      } catch {
        // A counter must never fail the request it counts (prom-client throws on a bad value).
      }
    },
    observeUpstreamError(provider, code) {
      upstreamErrors.inc({ provider, code });
    },
    observeShadow(route, outcome) {
      shadow.inc({ route, outcome });
    },
    async render() {
      return { contentType: registry.contentType, body: await registry.metrics() };
    },
  };

  function countRequest(outcome: RequestOutcome): void {
    const model = outcome.model !== null && outcome.modelKnown === true ? outcome.model : outcome.model === null ? 'none' : 'other';
    const endpoint = outcome.endpointKnown === false ? 'other' : outcome.endpoint;
    const locality = outcome.locality ?? 'none';
    const route = outcome.route ?? 'none';
    const provider = outcome.provider ?? 'none';
    const status = String(outcome.status);
    bound(requestChildren, `${endpoint}\0${route}\0${model}\0${provider}\0${locality}\0${status}`, () =>
      requests.labels({ endpoint, route, model, provider, locality, status }),
    ).inc();
    bound(durationChildren, `${endpoint}\0${locality}`, () => duration.labels({ endpoint, locality })).observe(outcome.latencyMs / 1000);
    if (outcome.log?.ttftMs != null) bound(ttftChildren, `${model}\0${locality}`, () => ttft.labels({ model, locality })).observe(outcome.log.ttftMs / 1000);
    const usage = outcome.usage;
    if (usage !== null) {
      const [input, output] = bound(tokenChildren, `${model}\0${locality}`, () => [
        tokens.labels({ direction: 'input', model, locality }),
        tokens.labels({ direction: 'output', model, locality }),
      ]);
      if (usage.inputTokens !== null) input.inc(usage.inputTokens);
      if (usage.outputTokens !== null) output.inc(usage.outputTokens);
    }
    if (outcome.costUsd > 0) {
      const key = outcome.principal?.keyId ?? 'master';
      const team = outcome.principal?.team?.id ?? 'none';
      bound(costChildren, `${model}\0${key}\0${team}`, () => cost.labels({ model, key, team })).inc(outcome.costUsd);
    }
    for (const finding of outcome.injection ?? []) injection.inc({ source: finding.source, action: injectionActions[finding.source] });
    const found = outcome.privacy;
    if (found !== null) {
      for (const [type, count] of Object.entries(found.findings)) if (count > 0) privacy.inc({ type, action: found.action ?? 'none' }, count);
    }
  }
}

function bound<T>(children: Map<string, T>, key: string, make: () => T): T {
  let child = children.get(key);
  if (child === undefined) {
    child = make();
    children.set(key, child);
  }
  return child;
}
