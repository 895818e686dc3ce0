import type { IncomingMessage, ServerResponse } from 'node:http';
import { prepareTarget, routeChat, type ChatDeps } from '../../gateway/chat.js';
import { factsSnapshot } from '../../router/router.js';
import { parseTags } from '../../router/request-facts.js';
import { parseChatBody } from './chat-completions-wire.js';
import { readJsonBody } from './read-json-body.js';
import type { RequestContext } from './request-context.js';
import { sendJson } from './send.js';

/**
 * POST /v1/route/explain: a chat body in; the decision, the facts it rested on, each candidate
 * with the privacy action it would get, and what was skipped and why. No model is called.
 */
export async function handleRouteExplain(req: IncomingMessage, res: ServerResponse, ctx: RequestContext, deps: ChatDeps & { bodyLimitBytes: number }): Promise<void> {
  const parsed = parseChatBody(await readJsonBody(req, deps.bodyLimitBytes));
  const routed = routeChat({ requestId: ctx.id, request: parsed.request, caller: ctx.caller, tags: parseTags(req.headers['x-flambeau-tags']), signal: AbortSignal.abort() }, deps);
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
