import type { ChatInspection } from '../../privacy/index.js';
import type { ChatRequest } from '../../providers/spec.js';
import type { Decision } from '../../router/decide.js';
import { parseTags, type Caller, type KnowledgeUse, type RequestFacts } from '../../router/request-facts.js';
import type { GatewayDeps } from '../gateway-deps.js';
import { estimateInputTokens } from '../usage-estimate.js';

/** A chat whose route is decided: candidates in order, privacy findings known. */
export interface RoutedChat {
  /** The request as the client sent it (knowledge quoted in); `model` is the client-facing name. */
  request: ChatRequest;
  signal: AbortSignal;
  inspection: ChatInspection;
  decision: Decision;
  facts: RequestFacts;
}

export interface RouteInput {
  request: ChatRequest;
  inspection: ChatInspection;
  caller: Caller;
  /** The raw `x-flambeau-tags` value (split here). */
  tags: string | string[] | undefined;
  knowledge?: KnowledgeUse;
  /** The injection stage reported a flagged text: the router's `injection` fact. */
  injection?: boolean;
  signal: AbortSignal;
}

/** Stage 6: decides where the request may go, and why (candidates in order, what was skipped). */
export function route(input: RouteInput, deps: Pick<GatewayDeps, 'router'>): RoutedChat {
  const { decision, facts } = deps.router.route({
    requested: input.request.model,
    request: input.request,
    findings: input.inspection.findings,
    tokens: estimateInputTokens(input.request),
    caller: input.caller,
    tags: parseTags(input.tags),
    ...(input.knowledge === undefined ? {} : { knowledge: input.knowledge }),
    ...(input.injection === undefined ? {} : { injection: input.injection }),
  });
  return { request: input.request, signal: input.signal, inspection: input.inspection, decision, facts };
}
