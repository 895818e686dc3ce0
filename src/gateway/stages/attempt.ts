import { FlambeauError } from '../../errors/index.js';
import type { PrivacyAction } from '../../privacy/index.js';
import type { ChatEvent, ChatRequest, ChatResult, Warning } from '../../providers/spec.js';
import type { Decision } from '../../router/decide.js';
import { escalationReason } from '../../router/escalation-checks.js';
import type { GatewayRequest } from '../request.js';
import { completeUsage, resultChars } from '../usage-estimate.js';
import { attemptTargets, type AttemptDeps } from './attempt-targets.js';
import type { PreparedTarget } from './prepare-target.js';
import type { RoutedChat } from './route.js';

/**
 * Stage 8, whole answers: from the first candidate that gives one (retries, fallbacks, cascade).
 * Each target's answer is restored (placeholders back to the values) before it is returned.
 */
export async function attemptComplete(request: GatewayRequest, routed: RoutedChat, deps: AttemptDeps): Promise<ChatResult> {
  const cascade = routed.decision.cascade;
  if (cascade !== undefined && routed.decision.candidates.includes(cascade.first)) return completeCascade(request, routed, cascade, deps);
  return attemptTargets(request, routed, routed.decision.candidates, deps, (plan, signal) => generate(plan, signal, deps));
}

async function generate(plan: PreparedTarget, signal: AbortSignal, deps: AttemptDeps): Promise<ChatResult> {
  const result = await plan.entry.chat.generate(plan.request, signal);
  const restored = plan.vault.size === 0 ? result : deps.privacy.restoreResult(result, plan.vault);
  const usage = completeUsage(result.usage, plan.request, () => resultChars(result));
  // The usual answer (no privacy warning, counts from the upstream) is returned as it came.
  if (plan.warnings.length === 0 && usage === restored.usage) return restored;
  return { ...restored, warnings: [...plan.warnings, ...restored.warnings], usage };
}

/**
 * Cascade: ask the first (local) model; escalate to the second only when the answer fails a
 * check. Personal data escalates only pseudonymised, and never where the policy blocks it.
 */
async function completeCascade(request: GatewayRequest, routed: RoutedChat, cascade: NonNullable<Decision['cascade']>, deps: AttemptDeps): Promise<ChatResult> {
  const run = (plan: PreparedTarget, signal: AbortSignal) => generate(plan, signal, deps);
  const first = await attemptTargets(request, routed, [cascade.first], deps, run);
  const reason = escalationReason(routed.request, first, cascade.escalateOn);
  if (reason === null || !routed.decision.candidates.includes(cascade.then)) return first;
  const hasPii = Object.values(routed.inspection.findings).some((n) => n > 0);
  const locality = deps.catalog.get(cascade.then).locality;
  const configured = deps.privacy.actionFor(locality);
  if (hasPii && configured === 'block') return first;
  const action: PrivacyAction | undefined = hasPii && configured === 'allow' && locality !== 'device' ? 'pseudonymize' : undefined;
  request.outcome.escalation = reason;
  try {
    return await attemptTargets(request, routed, [cascade.then], deps, run, action);
  } catch (error) {
    if (routed.signal.aborted) throw error;
    // The stronger model is out of reach: the local answer is still an answer.
    return { ...first, warnings: [...first.warnings, { kind: 'approximated', setting: 'cascade', detail: `escalation (${reason}) failed` }] };
  }
}

/**
 * Stage 8, streams: opens the stream of the first candidate that produces content. Nothing
 * reaches the client before the upstream's first content event, so a target that fails before it
 * still gets a retry or a fallback, and a failure with no target left gets a real HTTP status.
 */
export async function attemptStream(
  request: GatewayRequest,
  routed: RoutedChat,
  deps: AttemptDeps,
): Promise<{ warnings: Warning[]; events: AsyncIterator<ChatEvent> }> {
  return attemptTargets(request, routed, routed.decision.candidates, deps, async (plan, signal) => {
    let events: AsyncIterable<ChatEvent> = withUsage(plan.entry.chat.stream(plan.request, signal), plan.request);
    if (plan.vault.size > 0) events = deps.privacy.restoreStream(events, plan.vault);
    const iterator = events[Symbol.asyncIterator]();
    const warnings: Warning[] = [...plan.warnings];
    try {
      for (;;) {
        const next = await iterator.next();
        if (next.done === true) {
          throw new FlambeauError('upstream_failed', `${plan.entry.provider.id} ended the stream before it started.`, {
            details: { provider: plan.entry.provider.id },
          });
        }
        if (next.value.type === 'stream-start') {
          warnings.push(...next.value.warnings);
          request.cachedInputTokens = next.value.cachedInputTokens ?? null;
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
