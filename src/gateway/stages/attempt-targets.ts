import { setTimeout as sleep } from 'node:timers/promises';
import { asFlambeauError, FlambeauError } from '../../errors/index.js';
import { policyDeniedError, type DeniedVerdict, type PrivacyAction } from '../../privacy/index.js';
import { withCallHeaders } from '../../providers/http/call-context.js';
import { backoffMs, classifyFailure, isUpstreamFault } from '../../router/retry-policy.js';
import type { GatewayDeps } from '../gateway-deps.js';
import { setTarget, type GatewayRequest } from '../request.js';
import { prepareTarget, type PreparedTarget } from './prepare-target.js';
import type { RoutedChat } from './route.js';

export type AttemptDeps = Pick<GatewayDeps, 'catalog' | 'privacy' | 'router' | 'sleep' | 'random' | 'metrics'>;

const defaultSleep = (ms: number, signal: AbortSignal): Promise<void> => sleep(ms, undefined, { signal });

/**
 * Tries the candidates in order. Each gets its privacy policy applied (a refusal skips it), the
 * breaker's permission, and retries with backoff on retryable failures; any other failure moves
 * on to the next candidate. Only upstream faults (`isUpstreamFault`) feed the breaker. With a
 * single candidate its own error is returned as it is; with several, 503 `no_target_available`
 * lists what happened to each.
 */
export async function attemptTargets<T>(
  request: GatewayRequest,
  routed: RoutedChat,
  models: readonly string[],
  deps: AttemptDeps,
  run: (plan: PreparedTarget, signal: AbortSignal) => Promise<T>,
  actionOverride?: PrivacyAction,
): Promise<T> {
  const { signal } = routed;
  const breakers = deps.router.breakers;
  const settings = deps.router.settings;
  // The decision's own skips (air-gapped, breaker open) are part of the story when trying its candidates.
  const all = models === routed.decision.candidates;
  const reasons = routed.decision.skipped.filter((s) => all || models.includes(s.model)).map((s) => ({ ...s }));
  let denied: DeniedVerdict | undefined;
  let lastError: unknown;
  let attempted = 0;
  for (const model of models) {
    const plan = prepareTarget(routed, model, deps, actionOverride);
    if (!('entry' in plan)) {
      denied ??= plan;
      reasons.push({ model, reason: `privacy policy: ${plan.reasons.join('; ')}` });
      continue;
    }
    const provider = plan.entry.provider.id;
    setTarget(request, plan.target);
    if (request.outcome.privacy !== null) request.outcome.privacy.action = plan.action;
    for (let attempt = 0; ; attempt++) {
      if (!breakers.tryAcquire(provider)) {
        reasons.push({ model, reason: `provider ${provider} is failing (circuit breaker open)` });
        break;
      }
      attempted += attempt === 0 ? 1 : 0;
      // A client span per attempt; the upstream call carries it as its parent (`traceparent`).
      const span = request.trace?.child(
        `chat ${plan.target.model}`,
        { 'gen_ai.operation.name': 'chat', 'gen_ai.provider.name': provider, 'gen_ai.request.model': plan.target.model, 'flambeau.attempt': attempt + 1 },
        'client',
      );
      try {
        // A client's trace id is the client's string: it may reach a device or LAN model, never a
        // cloud one (16 bytes of the caller's choosing would leave unscanned). A trace flambeau
        // started itself goes everywhere.
        const propagate = span !== undefined && (plan.target.locality !== 'cloud' || request.trace?.continued !== true);
        const out = await withCallHeaders(propagate ? { traceparent: span.traceparent() } : null, () => run(plan, signal));
        span?.end();
        breakers.onSuccess(provider);
        return out;
      } catch (error) {
        span?.fail(asFlambeauError(error).code);
        span?.end();
        if (signal.aborted) {
          breakers.release(provider);
          throw error;
        }
        deps.metrics?.observeUpstreamError(provider, asFlambeauError(error).code);
        const kind = classifyFailure(error);
        if (kind === 'final') {
          breakers.release(provider);
          throw error;
        }
        // Only the provider's own faults count; an upstream 4xx about this request, a full engine
        // queue (load shedding) or an error on our side leaves its circuit as it was.
        if (isUpstreamFault(error)) breakers.onFailure(provider);
        else breakers.release(provider);
        lastError = error;
        const delay =
          kind === 'retry' && attempt < settings.retries
            ? backoffMs(attempt, settings.retry_base_delay_ms, settings.retry_max_delay_ms, (error as FlambeauError).details?.retryAfter, deps.random)
            : null;
        if (delay === null) {
          reasons.push({ model, reason: asFlambeauError(error).message });
          break;
        }
        await (deps.sleep ?? defaultSleep)(delay, signal);
      }
    }
  }
  const total = routed.decision.candidates.length + routed.decision.skipped.length;
  if (attempted === 1 && total === 1 && lastError !== undefined) throw lastError;
  if (denied !== undefined && attempted === 0 && reasons.every((r) => r.reason.startsWith('privacy policy'))) throw policyDeniedError(denied);
  const summary = reasons.length === 0 ? 'no candidate' : reasons.map((r) => `${r.model}: ${r.reason}`).join('; ');
  throw new FlambeauError('no_target_available', `No target could serve this request (route ${routed.decision.route}): ${summary}.`, {
    details: { route: routed.decision.route, reasons },
  });
}
