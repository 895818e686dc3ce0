import type { ChatInspection, PrivacyAction } from '../privacy/index.js';
import type { ChatRequest, Locality } from '../providers/spec.js';
import type { Decision } from '../router/decide.js';
import { factsSnapshot } from '../router/router.js';
import type { GatewayDeps } from './gateway-deps.js';
import type { GatewayRequest } from './request.js';
import { inspect } from './stages/inspect.js';
import { prepareTarget } from './stages/prepare-target.js';
import { assumeRetrieved, namedCollections } from './stages/retrieve.js';
import { route } from './stages/route.js';
import { screenInjection } from './stages/screen-injection.js';
import { callerOf, scope } from './stages/scope.js';

export type CandidateExplanation =
  | { model: string; usable: false; reason: string }
  | { model: string; usable: true; provider: string; upstreamModel: string; locality: Locality; privacyAction: PrivacyAction };

export interface RouteExplanation {
  decision: Decision;
  candidates: CandidateExplanation[];
  facts: Record<string, unknown>;
  findings: ChatInspection['findings'];
}

/**
 * The chat spine up to the route, with nothing called: scope (as chat: an explanation names
 * providers and upstream ids, which a key limited to other models must not learn), injection
 * (user messages and tool results), inspect,
 * route, and each candidate's privacy action. Named collections count as retrieved (nothing is
 * searched): the answer is the route the request would take if they yield chunks, which is the
 * one that keeps them private.
 */
export async function explainRoute(
  call: { request: GatewayRequest; chat: ChatRequest; collections: readonly string[]; tags: string | string[] | undefined },
  deps: GatewayDeps,
): Promise<RouteExplanation> {
  const named = namedCollections(call.chat, call.collections);
  scope(call.request, { endpoint: 'chat', model: named.request.model, collections: named.collections });
  const knowledge = assumeRetrieved(named.collections, deps.knowledge);
  // User messages and tool results are screened as chat screens them (a `block` refuses here too);
  // chunks are not, since nothing is searched.
  const screened = screenInjection(call.request, named.request, { collections: named.collections, retrieval: null }, deps);
  const inspection = await inspect(screened.request, deps);
  const routed = route(
    {
      request: screened.request,
      inspection,
      caller: callerOf(call.request),
      tags: call.tags,
      signal: AbortSignal.abort(),
      injection: screened.findings.length > 0,
      ...(knowledge === undefined ? {} : { knowledge }),
    },
    deps,
  );
  const candidates = routed.decision.candidates.map((model): CandidateExplanation => {
    const plan = prepareTarget(routed, model, deps);
    if (!('entry' in plan)) return { model, usable: false, reason: `privacy policy: ${plan.reasons.join('; ')}` };
    return {
      model,
      usable: true,
      provider: plan.target.provider,
      upstreamModel: plan.target.model,
      locality: plan.target.locality,
      privacyAction: plan.action,
    };
  });
  return { decision: routed.decision, candidates, facts: factsSnapshot(routed.facts), findings: inspection.findings };
}
