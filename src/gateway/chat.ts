import { FlambeauError } from '../errors/index.js';
import type { CatalogEntry, ModelCatalog } from '../models/model-catalog.js';
import { type ChatInspection, type DeniedVerdict, type Findings, type PlaceholderVault, type PrivacyAction, type PrivacyGuard } from '../privacy/index.js';
import type { ChatEvent, ChatRequest, ChatResult, Locality, Warning } from '../providers/spec.js';
import type { Decision } from '../router/decide.js';
import { escalationReason, type EscalationReason } from '../router/escalation-checks.js';
import type { RequestFacts } from '../router/request-facts.js';
import type { Router } from '../router/router.js';
import { attemptTargets, type AttemptDeps } from './attempt-targets.js';
import { completeUsage, estimateInputTokens, resultChars } from './usage-estimate.js';

/** Which model actually answers: reported in response headers and the request log. */
export interface ChatTarget {
  name: string;
  provider: string;
  model: string;
  locality: Locality;
}

export interface Caller {
  keyId: string | null;
  keyName: string | null;
  team: string | null;
}

export interface ChatCall {
  requestId: string;
  /** The request as the client sent it; `model` is the client-facing name (or `auto`). */
  request: ChatRequest;
  caller: Caller;
  tags: readonly string[];
  signal: AbortSignal;
  /** Retrieved private knowledge is in the request: not shareable keeps it on the device. */
  knowledge?: { used: boolean; shareable: boolean };
}

export interface ChatDeps extends AttemptDeps {
  catalog: ModelCatalog;
  privacy: PrivacyGuard;
  router: Router;
}

/** What the request log and response headers learn as the request goes. Facts only, never text. */
export interface ChatObserver {
  decided?(decision: Decision, findings: Findings): void;
  /** Called for every target tried; the last call names the one that answered. */
  target?(target: ChatTarget, privacyAction: PrivacyAction): void;
  escalated?(reason: EscalationReason): void;
}

/** A chat whose route is decided: candidates in order, privacy findings known. */
export interface RoutedChat {
  call: ChatCall;
  inspection: ChatInspection;
  decision: Decision;
  facts: RequestFacts;
}

/** One candidate made ready to send under its locality's privacy policy. */
export interface PreparedTarget {
  entry: CatalogEntry;
  target: ChatTarget;
  request: ChatRequest;
  action: PrivacyAction;
  vault: PlaceholderVault;
  /** Request fields the privacy guard left out for this target; reported with the provider's own. */
  warnings: Warning[];
}

/** Step 1 of the request story: scan for personal data, then decide where the request may go. */
export async function routeChat(call: ChatCall, deps: ChatDeps, observe: ChatObserver = {}): Promise<RoutedChat> {
  const inspection = await deps.privacy.inspectChat(call.request);
  const { decision, facts } = deps.router.route({
    requested: call.request.model,
    request: call.request,
    findings: inspection.findings,
    tokens: estimateInputTokens(call.request),
    caller: call.caller,
    tags: call.tags,
    ...(call.knowledge === undefined ? {} : { knowledge: call.knowledge }),
  });
  observe.decided?.(decision, inspection.findings);
  return { call, inspection, decision, facts };
}

/** Applies the privacy policy of the target's locality: the request to send and the vault to restore it. */
export function prepareTarget(routed: RoutedChat, model: string, deps: ChatDeps, actionOverride?: PrivacyAction): PreparedTarget | DeniedVerdict {
  const entry = deps.catalog.get(model);
  const action = actionOverride ?? deps.privacy.actionFor(entry.locality);
  const prepared = deps.privacy.prepareChat(routed.call.request, action, routed.inspection);
  if (!prepared.allowed) return prepared.verdict;
  const request: ChatRequest = { ...prepared.request, model: entry.chat.model };
  if (request.maxTokens === undefined && entry.config.maxTokens !== undefined) request.maxTokens = entry.config.maxTokens;
  return {
    entry,
    target: { name: entry.name, provider: entry.provider.id, model: entry.chat.model, locality: entry.locality },
    request,
    action: prepared.action,
    vault: prepared.vault,
    warnings: prepared.warnings,
  };
}

/** A whole answer from the first candidate that gives one (retries, fallbacks, cascade). */
export async function completeChat(routed: RoutedChat, deps: ChatDeps, observe: ChatObserver = {}): Promise<ChatResult> {
  const cascade = routed.decision.cascade;
  if (cascade !== undefined && routed.decision.candidates.includes(cascade.first)) return completeCascade(routed, cascade, deps, observe);
  return attemptTargets(routed, routed.decision.candidates, deps, observe, (plan, signal) => generate(plan, signal, deps));
}

async function generate(plan: PreparedTarget, signal: AbortSignal, deps: ChatDeps): Promise<ChatResult> {
  const result = await plan.entry.chat.generate(plan.request, signal);
  const restored = plan.vault.size === 0 ? result : deps.privacy.restoreResult(result, plan.vault);
  return { ...restored, warnings: [...plan.warnings, ...restored.warnings], usage: completeUsage(result.usage, plan.request, () => resultChars(result)) };
}

/**
 * Cascade: ask the first (local) model; escalate to the second only when the answer fails a
 * check. Personal data escalates only pseudonymised, and never where the policy blocks it.
 */
async function completeCascade(routed: RoutedChat, cascade: NonNullable<Decision['cascade']>, deps: ChatDeps, observe: ChatObserver): Promise<ChatResult> {
  const first = await attemptTargets(routed, [cascade.first], deps, observe, (plan, signal) => generate(plan, signal, deps));
  const reason = escalationReason(routed.call.request, first, cascade.escalateOn);
  if (reason === null || !routed.decision.candidates.includes(cascade.then)) return first;
  const hasPii = Object.values(routed.inspection.findings).some((n) => n > 0);
  const configured = deps.privacy.actionFor(deps.catalog.get(cascade.then).locality);
  if (hasPii && configured === 'block') return first;
  const action: PrivacyAction | undefined = hasPii && configured === 'allow' && deps.catalog.get(cascade.then).locality !== 'device' ? 'pseudonymize' : undefined;
  observe.escalated?.(reason);
  try {
    return await attemptTargets(routed, [cascade.then], deps, observe, (plan, signal) => generate(plan, signal, deps), action);
  } catch (error) {
    if (routed.call.signal.aborted) throw error;
    // The stronger model is out of reach: the local answer is still an answer.
    return { ...first, warnings: [...first.warnings, { kind: 'approximated', setting: 'cascade', detail: `escalation (${reason}) failed` }] };
  }
}

/**
 * Opens the stream of the first candidate that produces content. Nothing reaches the client
 * before the upstream's first content event, so a target that fails before it still gets a
 * retry or a fallback, and a failure with no target left gets a real HTTP status.
 */
export async function openChatStream(routed: RoutedChat, deps: ChatDeps, observe: ChatObserver = {}): Promise<{ warnings: Warning[]; events: AsyncIterator<ChatEvent> }> {
  return attemptTargets(routed, routed.decision.candidates, deps, observe, async (plan, signal) => {
    let events: AsyncIterable<ChatEvent> = withUsage(plan.entry.chat.stream(plan.request, signal), plan.request);
    if (plan.vault.size > 0) events = deps.privacy.restoreStream(events, plan.vault);
    const iterator = events[Symbol.asyncIterator]();
    const warnings: Warning[] = [...plan.warnings];
    try {
      for (;;) {
        const next = await iterator.next();
        if (next.done === true) {
          throw new FlambeauError('upstream_failed', `${plan.entry.provider.id} ended the stream before it started.`, { details: { provider: plan.entry.provider.id } });
        }
        if (next.value.type === 'stream-start') {
          warnings.push(...next.value.warnings);
          continue;
        }
        return { warnings, events: replay(next.value, iterator) };
      }
    } catch (error) {
      await iterator.return?.().catch(() => undefined);
      throw error;
    }
  });
}

async function* replay(head: ChatEvent, rest: AsyncIterator<ChatEvent>): AsyncGenerator<ChatEvent> {
  yield head;
  try {
    for (;;) {
      const next = await rest.next();
      if (next.done === true) return;
      yield next.value;
    }
  } finally {
    await rest.return?.();
  }
}

async function* withUsage(events: AsyncIterable<ChatEvent>, request: ChatRequest): AsyncGenerator<ChatEvent> {
  let outputChars = 0;
  for await (const event of events) {
    if (event.type === 'text-delta') outputChars += event.text.length;
    else if (event.type === 'tool-call-delta') outputChars += (event.name?.length ?? 0) + event.argsDelta.length;
    else if (event.type === 'stream-end') {
      yield { ...event, usage: completeUsage(event.usage, request, () => outputChars) };
      continue;
    }
    yield event;
  }
}

