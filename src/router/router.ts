import type { ModelCatalog } from '../models/model-catalog.js';
import type { ChatRequest, Locality } from '../providers/spec.js';
import { CircuitBreakers } from './circuit-breaker.js';
import type { CompiledRoute, RouteWorld } from './compile-routes.js';
import { decide, type Decision } from './decide.js';
import { requestFacts, type Caller, type KnowledgeUse, type RequestFacts } from './request-facts.js';
import type { RoutingFile } from './route-config.js';

/** Scores a prompt 0..1 (see router/complexity). */
export interface ComplexityScorer {
  score(text: string): number;
  thresholdForCloudShare(share: number): number;
}

export interface RouteRequest {
  requested: string;
  request: ChatRequest;
  findings: Readonly<Record<string, number>>;
  tokens: number;
  caller: Caller;
  tags: readonly string[];
  /** Private knowledge in the prompt: `shareable` false keeps it on device-local models, whatever the rule. */
  knowledge?: KnowledgeUse;
  /** The injection stage reported a flagged text (user message, retrieved chunk or tool result). */
  injection?: boolean;
}

export interface Router {
  readonly settings: RoutingFile;
  readonly breakers: CircuitBreakers;
  readonly routes: readonly CompiledRoute[];
  /** Model names clients may send besides the configured models: `auto` and exposed routes. */
  readonly virtualModels: readonly string[];
  route(input: RouteRequest): { decision: Decision; facts: RequestFacts };
  /** Why a model cannot be used now, or null: air-gapped cloud, open breaker. */
  skipReason(model: string): string | null;
}

export function createRouter(options: {
  routes: readonly CompiledRoute[];
  settings: RoutingFile;
  catalog: ModelCatalog;
  scorer: ComplexityScorer;
  now?: () => number;
}): Router {
  const { routes, settings, catalog, scorer } = options;
  const breakers = new CircuitBreakers({
    failureThreshold: settings.breaker_failures,
    cooldownMs: settings.breaker_cooldown_ms,
    ...(options.now === undefined ? {} : { now: options.now }),
  });
  const locality = (model: string): Locality => catalog.get(model).locality;
  const skipReason = (model: string): string | null => {
    const entry = catalog.get(model);
    if (entry.locality === 'cloud' && !settings.allow_cloud) return 'cloud calls are disabled (routing.allow_cloud: false)';
    const state = breakers.state(entry.provider.id);
    if (state === 'open') return `provider ${entry.provider.id} is failing (circuit breaker open)`;
    if (state === 'half-open' && !breakers.wouldAllow(entry.provider.id)) return `provider ${entry.provider.id} is being probed (circuit breaker half-open)`;
    return null;
  };
  const world: RouteWorld & { isModel(name: string): boolean; skipReason(model: string): string | null } = {
    usable: (model) => skipReason(model) === null,
    locality,
    isModel: (name) => catalog.list().some((e) => e.name === name),
    skipReason,
  };
  return {
    settings,
    breakers,
    routes,
    virtualModels: routes.length === 0 ? [] : ['auto', ...routes.filter((r) => r.expose).map((r) => r.name)],
    route(input) {
      const facts = requestFacts({
        model: input.requested,
        request: input.request,
        findings: input.findings,
        tokens: input.tokens,
        caller: input.caller,
        tags: input.tags,
        scoreComplexity: (text) => scorer.score(text),
        knowledge: input.knowledge?.used === true,
        injection: input.injection === true,
      });
      const decision = decide({ requested: input.requested, routes, facts, world });
      if (input.knowledge?.used === true && !input.knowledge.shareable) keepOnDevice(decision, catalog);
      return { decision, facts };
    },
    skipReason,
  };
}

/**
 * Private knowledge is a hard rule, not a preference: candidates off the device are skipped,
 * whatever the matching route says (a collection marked `shareable` lifts it; the privacy guard
 * then still runs on the retrieved text).
 */
function keepOnDevice(decision: Decision, catalog: ModelCatalog): void {
  const kept: string[] = [];
  for (const model of decision.candidates) {
    if (catalog.get(model).locality === 'device') kept.push(model);
    else decision.skipped.push({ model, reason: 'the prompt carries private knowledge, which stays on device-local models (collection not shareable)' });
  }
  decision.candidates = kept;
}

/** The facts as plain data, for `/v1/route/explain` (computes the complexity score). */
export function factsSnapshot(facts: RequestFacts): Record<string, unknown> {
  return {
    model: facts.model,
    pii: facts.piiTypes.length > 0,
    pii_types: facts.piiTypes,
    secrets: facts.secrets,
    tokens: facts.tokens,
    tools: facts.tools,
    json: facts.json,
    json_schema: facts.jsonSchema,
    key: facts.key,
    team: facts.team,
    tags: facts.tags,
    knowledge: facts.knowledge,
    injection: facts.injection,
    complexity: Number(facts.complexity().toFixed(4)),
  };
}
