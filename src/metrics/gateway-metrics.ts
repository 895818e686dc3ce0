import { collectDefaultMetrics, Counter, Gauge, Registry } from 'prom-client';
import type { RequestOutcome } from '../audit/request-outcome.js';

/** A gauge's current values, read when Prometheus scrapes (breakers, engine, budgets). */
export interface GaugeSources {
  /** Providers whose circuit breaker is open (1) or not (0). */
  breakers(): { provider: string; open: boolean }[];
  /** Local models: requests waiting for a sequence, and whether the engine holds them. */
  engine(): { model: string; queued: number; loaded: boolean }[];
  /** USD left in the current period of each key or team that has a budget. */
  budgets(): Promise<{ scope: 'key' | 'team'; name: string; remainingUsd: number }[]>;
  /** Spans exported and spans lost since the start, when tracing is on. */
  traceSpans?(): { exported: number; dropped: number };
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
  // The per-request series are plain tallies rendered at scrape time: prom-client hashes and
  // validates the label set on every inc()/observe() (about 10 µs a request for these five), a
  // Map lookup on a key of bounded label values costs a fraction of a microsecond.
  const requests = new CounterTally('flambeau_requests_total', 'Requests answered, by endpoint, route, model, provider, locality and HTTP status.');
  const duration = new HistogramTally(
    'flambeau_request_duration_seconds',
    'Time from the request to its last byte (or its refusal), by endpoint and locality.',
    DURATION_BUCKETS,
  );
  const ttft = new HistogramTally(
    'flambeau_time_to_first_token_seconds',
    'Time from the request to the first token of a streamed answer, by model and locality.',
    TTFT_BUCKETS,
  );
  const tokens = new CounterTally('flambeau_tokens_total', 'Tokens read (input) and written (output) by models, by model and locality.');
  const cost = new CounterTally('flambeau_cost_usd_total', 'Cost in USD of the answers, by model, key and team (master: the master key).');
  const privacy = new CounterTally('flambeau_privacy_findings_total', 'Personal data and secrets found in requests, by type and the action taken.');
  const injection = new CounterTally('flambeau_injection_findings_total', 'Prompt-injection findings, by source (user, document, tool) and the action taken.');
  const tallies = [requests, duration, ttft, tokens, cost, privacy, injection];
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
  const traceSpans = sources.traceSpans;
  if (traceSpans !== undefined)
    new Counter({
      name: 'flambeau_trace_spans_total',
      help: 'Trace spans exported to the OTLP collector (exported) or lost: queue full or export failed (dropped).',
      labelNames: ['outcome'] as const,
      registers: [registry],
      collect() {
        const { exported, dropped } = traceSpans();
        this.reset();
        this.inc({ outcome: 'exported' }, exported);
        this.inc({ outcome: 'dropped' }, dropped);
      },
    });

  return {
    observeRequest(outcome) {
      try {
        countRequest(outcome);
      } catch {
        // A counter must never fail the request it counts.
      }
    },
    observeUpstreamError(provider, code) {
      upstreamErrors.inc({ provider, code });
    },
    observeShadow(route, outcome) {
      shadow.inc({ route, outcome });
    },
    async render() {
      const own = tallies.map((t) => t.render()).join('');
      return { contentType: registry.contentType, body: own + (await registry.metrics()) };
    },
  };

  function countRequest(outcome: RequestOutcome): void {
    const model = outcome.model !== null && outcome.modelKnown === true ? outcome.model : outcome.model === null ? 'none' : 'other';
    const endpoint = outcome.endpointKnown === false ? 'other' : outcome.endpoint;
    const locality = outcome.locality ?? 'none';
    const route = outcome.route ?? 'none';
    const provider = outcome.provider ?? 'none';
    const status = outcome.status;
    requests.add(
      `${endpoint}\0${route}\0${model}\0${provider}\0${locality}\0${status}`,
      () => ({ endpoint, route, model, provider, locality, status: String(status) }),
      1,
    );
    duration.observe(`${endpoint}\0${locality}`, () => ({ endpoint, locality }), outcome.latencyMs / 1000);
    if (outcome.log?.ttftMs != null) ttft.observe(`${model}\0${locality}`, () => ({ model, locality }), outcome.log.ttftMs / 1000);
    const usage = outcome.usage;
    if (usage !== null) {
      if (usage.inputTokens !== null) tokens.add(`i\0${model}\0${locality}`, () => ({ direction: 'input', model, locality }), usage.inputTokens);
      if (usage.outputTokens !== null) tokens.add(`o\0${model}\0${locality}`, () => ({ direction: 'output', model, locality }), usage.outputTokens);
    }
    if (outcome.costUsd > 0) {
      const key = outcome.principal?.keyId ?? 'master';
      const team = outcome.principal?.team?.id ?? 'none';
      cost.add(`${model}\0${key}\0${team}`, () => ({ model, key, team }), outcome.costUsd);
    }
    for (const finding of outcome.injection ?? []) {
      const action = injectionActions[finding.source];
      injection.add(`${finding.source}\0${action}`, () => ({ source: finding.source, action }), 1);
    }
    const found = outcome.privacy;
    if (found !== null) {
      const action = found.action ?? 'none';
      for (const type in found.findings) {
        const count = found.findings[type] ?? 0;
        if (count > 0) privacy.add(`${type}\0${action}`, () => ({ type, action }), count);
      }
    }
  }
}

/** `{a="x",b="y"}` with the exposition format's escapes (backslash, double quote, newline). */
function labelText(labels: Readonly<Record<string, string>>, extra = ''): string {
  const parts = Object.entries(labels).map(([name, value]) => `${name}="${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`);
  if (extra !== '') parts.push(extra);
  return `{${parts.join(',')}}`;
}

/** A counter whose series are keyed by their label values (bounded: see GatewayMetrics). */
class CounterTally {
  readonly #series = new Map<string, { labels: string; value: number }>();
  constructor(
    readonly name: string,
    readonly help: string,
  ) {}

  /** Adds `value` (ignored unless finite and ≥ 0) to the series `key`; `labels` is called once per series. */
  add(key: string, labels: () => Record<string, string>, value: number): void {
    if (!(value >= 0) || value === Number.POSITIVE_INFINITY) return;
    const series = this.#series.get(key);
    if (series !== undefined) series.value += value;
    else this.#series.set(key, { labels: labelText(labels()), value });
  }

  render(): string {
    let out = `# HELP ${this.name} ${this.help}\n# TYPE ${this.name} counter\n`;
    for (const { labels, value } of this.#series.values()) out += `${this.name}${labels} ${value}\n`;
    return out;
  }
}

/** A histogram with fixed upper bounds (seconds); buckets are counted apart and summed when rendered. */
class HistogramTally {
  readonly #series = new Map<string, { labels: Record<string, string>; counts: number[]; sum: number; count: number }>();
  constructor(
    readonly name: string,
    readonly help: string,
    readonly bounds: readonly number[],
  ) {}

  observe(key: string, labels: () => Record<string, string>, value: number): void {
    if (!Number.isFinite(value)) return;
    let series = this.#series.get(key);
    if (series === undefined) {
      series = { labels: labels(), counts: new Array<number>(this.bounds.length + 1).fill(0), sum: 0, count: 0 };
      this.#series.set(key, series);
    }
    let i = 0;
    while (i < this.bounds.length && value > (this.bounds[i] as number)) i++;
    series.counts[i] = (series.counts[i] ?? 0) + 1;
    series.sum += value;
    series.count += 1;
  }

  render(): string {
    let out = `# HELP ${this.name} ${this.help}\n# TYPE ${this.name} histogram\n`;
    for (const { labels, counts, sum, count } of this.#series.values()) {
      let cumulative = 0;
      this.bounds.forEach((bound, i) => {
        cumulative += counts[i] ?? 0;
        out += `${this.name}_bucket${labelText(labels, `le="${bound}"`)} ${cumulative}\n`;
      });
      out += `${this.name}_bucket${labelText(labels, 'le="+Inf"')} ${count}\n`;
      out += `${this.name}_sum${labelText(labels)} ${sum}\n${this.name}_count${labelText(labels)} ${count}\n`;
    }
    return out;
  }
}
