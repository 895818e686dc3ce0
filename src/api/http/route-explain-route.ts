import type { IncomingMessage, ServerResponse } from 'node:http';
import { checkScope } from '../../auth/scope.js';
import { prepareTarget, routeChat, type ChatDeps } from '../../gateway/chat.js';
import type { Knowledge } from '../../knowledge/index.js';
import { factsSnapshot } from '../../router/router.js';
import { parseTags } from '../../router/request-facts.js';
import { parseChatBody } from './chat-completions-wire.js';
import { readJsonBody } from './read-json-body.js';
import type { RequestContext } from './request-context.js';
import { sendJson } from './send.js';

/**
 * POST /v1/route/explain: a chat body in; the decision, the facts it rested on, each candidate
 * with the privacy action it would get, and what was skipped and why. No model is called.
 * Named knowledge collections count as retrieved (nothing is searched): the answer is the route
 * the request would take if they yield chunks, which is the one that keeps them private.
 */
export async function handleRouteExplain(req: IncomingMessage, res: ServerResponse, ctx: RequestContext, deps: ChatDeps & { bodyLimitBytes: number; knowledge: Knowledge }): Promise<void> {
  const parsed = parseChatBody(await readJsonBody(req, deps.bodyLimitBytes));
  // The same scope as chat: an explanation names providers and upstream ids, which a key limited
  // to other models must not learn.
  if (ctx.principal !== null) checkScope(ctx.principal, { endpoint: 'chat', model: parsed.request.model });
  let knowledge: { used: boolean; shareable: boolean } | undefined;
  if (parsed.knowledge.length > 0) {
    if (ctx.principal !== null) checkScope(ctx.principal, { endpoint: 'chat', collections: parsed.knowledge });
    deps.knowledge.requireCollections(parsed.knowledge);
    knowledge = { used: true, shareable: deps.knowledge.shareable(parsed.knowledge) };
  }
  const routed = await routeChat({ requestId: ctx.id, request: parsed.request, caller: ctx.caller, tags: parseTags(req.headers['x-flambeau-tags']), signal: AbortSignal.abort(), ...(knowledge === undefined ? {} : { knowledge }) }, deps);
  const { decision } = routed;
  const candidates = decision.candidates.map((model) => {
    const plan = prepareTarget(routed, model, deps);
    if (!('entry' in plan)) return { model, usable: false, reason: `privacy policy: ${plan.reasons.join('; ')}` };
    return { model, usable: true, provider: plan.target.provider, upstream_model: plan.target.model, locality: plan.target.locality, privacy_action: plan.action };
  });
  const chosen = candidates.find((c) => c.usable);
  sendJson(
    res,
    200,
    {
      object: 'route.explanation',
      requested_model: decision.requested,
      route: decision.route,
      target: chosen ?? null,
      candidates,
      skipped: decision.skipped,
      rules: decision.rules,
      ...(decision.cascade === undefined ? {} : { cascade: { first: decision.cascade.first, then: decision.cascade.then, escalate_on: decision.cascade.escalateOn } }),
      facts: factsSnapshot(routed.facts),
      privacy_findings: routed.inspection.findings,
    },
    { 'x-request-id': ctx.id },
  );
}
