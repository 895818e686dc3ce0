import { asFlambeauError, FlambeauError } from '../errors/index.js';
import type { ShadowOffer, ShadowSink } from '../gateway/gateway-deps.js';
import { actualCost } from '../gateway/stages/hold.js';
import { prepareTarget } from '../gateway/stages/prepare-target.js';
import type { RoutedChat } from '../gateway/stages/route.js';
import { completeUsage, resultChars } from '../gateway/usage-estimate.js';
import type { Logger } from '../log/logger.js';
import type { ModelCatalog } from '../models/model-catalog.js';
import type { PrivacyGuard } from '../privacy/index.js';
import type { ChatRequest, ChatResult } from '../providers/spec.js';
import { createFeaturizer, FEATURIZER_VERSION } from '../router/complexity/featurize.js';
import type { RouteWorld } from '../router/compile-routes.js';
import { promptText } from '../router/request-facts.js';
import type { Router } from '../router/router.js';
import { judgeRequest, readVerdict, type JudgeVerdict } from './judge-answers.js';
import { embeddingAgreement, scoreAgreement } from './score-agreement.js';
import type { ShadowRule } from './shadow-rules.js';
import type { ShadowComparison, ShadowOutcome, ShadowStore, StoredFeatures } from './shadow-store.js';

/** Outcomes counted in `flambeau_shadow_comparisons_total`: the stored ones plus those never run. */
export type ShadowMetricOutcome = ShadowOutcome | 'dropped' | 'over_budget';

export interface ShadowEvaluatorDeps {
  rules: readonly ShadowRule[];
  catalog: ModelCatalog;
  privacy: PrivacyGuard;
  router: Pick<Router, 'skipReason'>;
  store: ShadowStore;
  logger: Logger;
  metrics?: { observeShadow(route: string, outcome: ShadowMetricOutcome): void };
  random?: () => number;
  now?: () => number;
}

/** Counts of one rule since start-up (tests and the bench read them). */
export interface ShadowRuleStats {
  offered: number;
  sampled: number;
  dropped: number;
  overBudget: number;
  stored: number;
}

export interface ShadowEvaluator extends ShadowSink {
  stats(rule: string): ShadowRuleStats;
  /** Resolves once no shadow call is queued or in flight. */
  idle(): Promise<void>;
  /** Abandons queued offers and aborts calls in flight. */
  close(): Promise<void>;
}

interface Job {
  rule: ShadowRule;
  offer: ShadowOffer;
}

interface RuleState {
  active: number;
  queue: Job[];
  day: number;
  spentToday: number;
  stats: ShadowRuleStats;
}

const DAY_MS = 86_400_000;

/**
 * Shadow evaluation on live traffic: after a client's answer is settled, a sample of it is sent
 * to the rule's other model in the background and the two answers compared. The client is never
 * delayed, changed or failed by it: `offer` only matches, samples and queues (bounded, dropping
 * when full), the calls start on a later turn of the event loop, and every failure ends in a
 * stored `error` row. Privacy applies per target exactly as on the request path (prepareTarget
 * with the request's inspection); a target the policy refuses gets a `denied` row, no call.
 * Costs go to the rule's own daily budget, never to the caller's key.
 */
export function createShadowEvaluator(deps: ShadowEvaluatorDeps): ShadowEvaluator {
  for (const rule of deps.rules) {
    if (rule.embeddingModel === null) continue;
    const entry = deps.catalog.get(rule.embeddingModel);
    // Answers are compared as the client got them (personal data restored): they stay on the device.
    if (entry.locality !== 'device' || entry.embedding === undefined)
      throw new FlambeauError('config_invalid', `shadow rule ${rule.name}: embedding_model ${rule.embeddingModel} must be a device-local model that embeds.`);
  }
  const random = deps.random ?? Math.random;
  const now = deps.now ?? Date.now;
  const featurizer = createFeaturizer();
  const closing = new AbortController();
  const running = new Set<Promise<void>>();
  const idleWaiters: (() => void)[] = [];
  const states = new Map<string, RuleState>(
    deps.rules.map((rule) => {
      const day = Math.floor(now() / DAY_MS);
      return [rule.name, { active: 0, queue: [], day, spentToday: 0, stats: { offered: 0, sampled: 0, dropped: 0, overBudget: 0, stored: 0 } }];
    }),
  );
  // What the rules spent earlier today (another run, another instance), added once the store answers.
  void Promise.all(
    deps.rules.map(async (rule) => {
      if (rule.budgetUsdPerDay === null) return;
      const state = states.get(rule.name) as RuleState;
      state.spentToday += await deps.store.spentSince(rule.name, state.day * DAY_MS);
    }),
  ).catch((error: unknown) => deps.logger.error('shadow: cannot read what the rules spent today', { error: String(error) }));
  const world: RouteWorld = {
    usable: (model) => deps.router.skipReason(model) === null,
    locality: (model) => deps.catalog.get(model).locality,
  };
  const count = (route: string, outcome: ShadowMetricOutcome): void => {
    try {
      deps.metrics?.observeShadow(route, outcome);
    } catch {
      // counting never fails the work it counts
    }
  };

  const stateOf = (rule: ShadowRule): RuleState => states.get(rule.name) as RuleState;

  /** Today's spend of a rule (a new UTC day starts at zero). */
  const spent = (state: RuleState): number => {
    const day = Math.floor(now() / DAY_MS);
    if (day !== state.day) Object.assign(state, { day, spentToday: 0 });
    return state.spentToday;
  };

  function matches(rule: ShadowRule, offer: ShadowOffer): boolean {
    if (offer.served.name !== rule.local && offer.served.name !== rule.reference) return false;
    if (rule.alternatives.length === 0) return true;
    return rule.alternatives.some(
      (alt) =>
        (alt.routes === null || alt.routes.includes(offer.decision.route)) &&
        alt.checks.every((check) => check.test(offer.facts, world, offer.decision.candidates)),
    );
  }

  function consider(rule: ShadowRule, offer: ShadowOffer): void {
    if (!matches(rule, offer)) return;
    const state = stateOf(rule);
    state.stats.offered++;
    if (random() >= rule.sample) return;
    state.stats.sampled++;
    if (rule.budgetUsdPerDay !== null && spent(state) >= rule.budgetUsdPerDay) {
      state.stats.overBudget++;
      count(offer.decision.route, 'over_budget');
      return;
    }
    if (state.active < rule.maxConcurrency) start({ rule, offer });
    else if (state.queue.length < rule.maxQueue) state.queue.push({ rule, offer });
    else {
      state.stats.dropped++;
      count(offer.decision.route, 'dropped');
    }
  }

  function start(job: Job): void {
    const state = stateOf(job.rule);
    state.active++;
    // A later turn of the event loop: nothing of the shadow call runs inside the client's answer.
    const done = new Promise<void>((resolve) => setImmediate(resolve))
      .then(() => compare(job))
      .catch((error: unknown) => deps.logger.warn('shadow comparison failed', { rule: job.rule.name, error: asFlambeauError(error).code }))
      .finally(() => {
        running.delete(done);
        state.active--;
        const next = state.queue.shift();
        if (next !== undefined && !closing.signal.aborted) start(next);
        if (running.size === 0) for (const wake of idleWaiters.splice(0)) wake();
      });
    running.add(done);
  }

  /**
   * One model's answer to `request`, prepared for its locality and restored. A model the router
   * would skip now (air-gapped cloud, open breaker) or the privacy policy refuses is not called.
   */
  async function ask(routed: RoutedChat, model: string): Promise<{ text: string; latencyMs: number; costUsd: number } | { denied: string }> {
    if (deps.router.skipReason(model) !== null) return { denied: 'no_target_available' };
    const plan = prepareTarget(routed, model, deps);
    if (!('entry' in plan)) return { denied: 'policy_denied' };
    const t0 = performance.now();
    const raw = await plan.entry.chat.generate(plan.request, routed.signal);
    const result: ChatResult = plan.vault.size === 0 ? raw : deps.privacy.restoreResult(raw, plan.vault);
    const usage = completeUsage(raw.usage, plan.request, () => resultChars(raw));
    const text = result.text !== null && result.text !== '' ? result.text : result.toolCalls.map((c) => `${c.name}(${c.arguments})`).join('\n');
    return { text, latencyMs: performance.now() - t0, costUsd: actualCost(deps.catalog, model, usage) };
  }

  async function judge(rule: ShadowRule, offer: ShadowOffer, local: string, reference: string, signal: AbortSignal) {
    const request: ChatRequest = judgeRequest(promptText(offer.request), local, reference, rule.judge as string);
    const inspection = await deps.privacy.inspectChat(request);
    const answer = await ask({ request, inspection, signal, decision: offer.decision, facts: offer.facts }, rule.judge as string);
    if ('denied' in answer) return { verdict: { verdict: null, reason: null } satisfies JudgeVerdict, costUsd: 0 };
    return { verdict: readVerdict(answer.text), costUsd: answer.costUsd };
  }

  async function embedded(model: string, local: string, reference: string, signal: AbortSignal): Promise<number> {
    const embedding = deps.catalog.get(model).embedding;
    if (embedding === undefined) return 0;
    const { vectors } = await embedding.embed({ model: embedding.model, input: [local, reference] }, signal);
    return embeddingAgreement(vectors[0] ?? new Float32Array(), vectors[1] ?? new Float32Array());
  }

  async function compare({ rule, offer }: Job): Promise<void> {
    const state = stateOf(rule);
    // Checked again when a queued offer's turn comes: the calls before it may have spent the budget.
    if (rule.budgetUsdPerDay !== null && spent(state) >= rule.budgetUsdPerDay) {
      state.stats.overBudget++;
      count(offer.decision.route, 'over_budget');
      return;
    }
    const servedIsLocal = offer.served.name === rule.local;
    const other = servedIsLocal ? rule.reference : rule.local;
    const signal = AbortSignal.any([closing.signal, AbortSignal.timeout(rule.timeoutMs)]);
    const row: ShadowComparison = {
      createdAt: now(),
      rule: rule.name,
      route: offer.decision.route,
      localModel: rule.local,
      referenceModel: rule.reference,
      servedModel: offer.served.name,
      outcome: 'error',
      agreement: null,
      method: null,
      judgeVerdict: null,
      judgeReason: null,
      localAsGood: null,
      localLatencyMs: servedIsLocal ? offer.outcome.latencyMs : null,
      referenceLatencyMs: servedIsLocal ? null : offer.outcome.latencyMs,
      localCostUsd: servedIsLocal ? offer.outcome.costUsd : null,
      referenceCostUsd: servedIsLocal ? null : offer.outcome.costUsd,
      shadowCostUsd: 0,
      errorCode: null,
      features: featuresOf(offer.request),
      localText: null,
      referenceText: null,
    };
    try {
      const routed: RoutedChat = { request: offer.request, inspection: offer.inspection, signal, decision: offer.decision, facts: offer.facts };
      const answer = await ask(routed, other);
      if ('denied' in answer) {
        row.outcome = 'denied';
        row.errorCode = answer.denied;
      } else {
        row.shadowCostUsd = answer.costUsd;
        const [local, reference] = servedIsLocal ? [offer.answer, answer.text] : [answer.text, offer.answer];
        if (servedIsLocal) Object.assign(row, { referenceLatencyMs: answer.latencyMs, referenceCostUsd: answer.costUsd });
        else Object.assign(row, { localLatencyMs: answer.latencyMs, localCostUsd: answer.costUsd });
        const agreement = scoreAgreement(local, reference);
        row.agreement = agreement.score;
        row.method = agreement.method;
        if (agreement.method === 'text' && rule.embeddingModel !== null) {
          row.agreement = await embedded(rule.embeddingModel, local, reference, signal);
          row.method = 'embedding';
        }
        row.localAsGood = row.agreement >= rule.agreeAt;
        if (rule.judge !== null && agreement.method !== 'exact') {
          const judged = await judge(rule, offer, local, reference, signal);
          row.shadowCostUsd += judged.costUsd;
          if (judged.verdict.verdict !== null) {
            Object.assign(row, { method: 'judge', judgeVerdict: judged.verdict.verdict, judgeReason: judged.verdict.reason });
            row.localAsGood = judged.verdict.verdict === 'pass';
          }
        }
        row.outcome = row.localAsGood ? 'agree' : 'disagree';
        if (rule.includeContent) Object.assign(row, { localText: local, referenceText: reference });
      }
    } catch (error) {
      row.outcome = 'error';
      row.errorCode = asFlambeauError(error).code;
    }
    spent(state);
    state.spentToday += row.shadowCostUsd;
    if (closing.signal.aborted) return;
    await deps.store.insert(row);
    state.stats.stored++;
    count(row.route, row.outcome);
  }

  /** Hashed complexity features of the prompt (what `router train --from-shadow` learns from), never its text. */
  function featuresOf(request: ChatRequest): StoredFeatures {
    const features = featurizer.featurize(promptText(request));
    return {
      version: FEATURIZER_VERSION,
      hashBits: featurizer.options.hashBits,
      kind: features.kind,
      indices: Array.from(features.indices),
      values: Array.from(features.values, (v) => Math.fround(v)),
    };
  }

  return {
    offer(offer) {
      if (closing.signal.aborted) return;
      for (const rule of deps.rules) {
        try {
          consider(rule, offer);
        } catch (error) {
          deps.logger.warn('shadow offer failed', { rule: rule.name, error: asFlambeauError(error).code });
        }
      }
    },
    stats: (rule) => ({ ...(states.get(rule)?.stats ?? { offered: 0, sampled: 0, dropped: 0, overBudget: 0, stored: 0 }) }),
    idle: () => (running.size === 0 ? Promise.resolve() : new Promise<void>((resolve) => idleWaiters.push(resolve))),
    async close() {
      closing.abort();
      for (const state of states.values()) state.queue.length = 0;
      await Promise.allSettled([...running]);
    },
  };
}
