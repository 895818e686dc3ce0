import { explainRoute } from '../../gateway/index.js';
import { parseChatBody } from './chat-completions-wire.js';
import { readJsonBody } from './read-json-body.js';
import { sendJson } from './send.js';
import type { RouteCall } from './route-call.js';

/**
 * POST /v1/route/explain: a chat body in; the decision, the facts it rested on, each candidate
 * with the privacy action it would get, and what was skipped and why. No model is called.
 */
export async function handleRouteExplain(call: RouteCall): Promise<void> {
  const { req, res, request } = call;
  const deps = call.deps.gateway;
  const parsed = parseChatBody(await readJsonBody(req, call.deps.bodyLimitBytes));
  const { decision, candidates, facts, findings } = await explainRoute(
    { request, chat: parsed.request, collections: parsed.knowledge, tags: req.headers['x-flambeau-tags'] },
    deps,
  );
  const wireCandidates = candidates.map((c) =>
    c.usable
      ? { model: c.model, usable: true, provider: c.provider, upstream_model: c.upstreamModel, locality: c.locality, privacy_action: c.privacyAction }
      : c,
  );
  sendJson(
    res,
    200,
    {
      object: 'route.explanation',
      requested_model: decision.requested,
      route: decision.route,
      target: wireCandidates.find((c) => c.usable) ?? null,
      candidates: wireCandidates,
      skipped: decision.skipped,
      rules: decision.rules,
      ...(decision.cascade === undefined
        ? {}
        : { cascade: { first: decision.cascade.first, then: decision.cascade.then, escalate_on: decision.cascade.escalateOn } }),
      facts,
      privacy_findings: findings,
    },
    { 'x-request-id': request.outcome.requestId },
  );
}
