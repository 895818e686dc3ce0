import { asFlambeauError } from '../errors/index.js';
import type { ChatEvent, ChatRequest, ChatResult, Warning } from '../providers/spec.js';
import type { GatewayDeps } from './gateway-deps.js';
import type { GatewayRequest } from './request.js';
import { admit } from './stages/admit.js';
import { attemptComplete, attemptStream } from './stages/attempt.js';
import { hold } from './stages/hold.js';
import { inspect } from './stages/inspect.js';
import { namedCollections, retrieve, type KnowledgeReport } from './stages/retrieve.js';
import { route, type RoutedChat } from './stages/route.js';
import { screenInjection } from './stages/screen-injection.js';
import { callerOf, scope } from './stages/scope.js';
import { settle } from './stages/settle.js';
import { traceStage } from './trace-request.js';
import { estimateInputTokens } from './usage-estimate.js';
import { refreshVersionsOnce } from './refresh-versions.js';

/** A chat as every inbound protocol hands it to the spine. */
export interface ChatCall {
  /** The request in flight (made by the HTTP edge, authenticated). */
  request: GatewayRequest;
  chat: ChatRequest;
  /** Collections named outside the model name (`flambeau.knowledge`); `rag:` names are read here. */
  collections: readonly string[];
  stream: boolean;
  /** The raw `x-flambeau-tags` header: routing rules may test them. */
  tags: string | string[] | undefined;
  signal: AbortSignal;
}

export type ChatAnswer =
  | { stream: false; result: ChatResult; knowledge: KnowledgeReport | null }
  | { stream: true; warnings: Warning[]; events: AsyncIterable<ChatEvent>; knowledge: KnowledgeReport | null };

/**
 * The request story of a chat, in order. A whole answer is recorded before it is returned; a
 * stream is recorded when its last event has been read, before the caller ends its response.
 */
export async function startChat(call: ChatCall, deps: GatewayDeps): Promise<ChatAnswer> {
  const { request, signal } = call;
  const { outcome } = request;
  const named = namedCollections(call.chat, call.collections);
  outcome.model = named.request.model;
  scope(request, { endpoint: 'chat', model: named.request.model, collections: named.collections });
  await admit(request, estimateInputTokens(named.request) + (named.request.maxTokens ?? 0), deps);
  await refreshVersionsOnce(deps.catalog);
  const retrieved = await traceStage(request, 'flambeau.retrieve', () => retrieve(named.request, named.collections, signal, deps));
  const screened = traceStage(request, 'flambeau.injection', () => screenInjection(request, named.request, retrieved, deps));
  const inspection = await traceStage(request, 'flambeau.privacy', () => inspect(screened.request, deps));
  outcome.privacy = { action: null, findings: inspection.findings };
  const routed = traceStage(request, 'flambeau.route', () =>
    route(
      {
        request: screened.request,
        inspection,
        caller: callerOf(request),
        tags: call.tags,
        signal,
        injection: screened.findings.length > 0,
        ...(screened.knowledge === undefined ? {} : { knowledge: screened.knowledge }),
      },
      deps,
    ),
  );
  outcome.route = routed.decision.route;
  await hold(request, routed, deps);
  if (!call.stream) {
    const result = await attemptComplete(request, routed, deps);
    outcome.usage = result.usage;
    request.cachedInputTokens = result.usage.cachedInputTokens ?? null;
    outcome.status = 200;
    await settle(request, deps);
    if (deps.shadow !== undefined && request.target !== null)
      deps.shadow.offer({ ...shadowFacts(routed), served: request.target, outcome, answer: answerText(result) });
    return { stream: false, result, knowledge: screened.report };
  }
  if (outcome.log !== undefined) outcome.log.streamed = true;
  const opened = await attemptStream(request, routed, deps);
  outcome.status = 200;
  return { stream: true, warnings: opened.warnings, events: settledStream(request, opened.events, deps, routed), knowledge: screened.report };
}

/** Notes the time to first token and the usage as events pass; settles after the last one. */
async function* settledStream(request: GatewayRequest, events: AsyncIterator<ChatEvent>, deps: GatewayDeps, routed: RoutedChat): AsyncGenerator<ChatEvent> {
  const { outcome } = request;
  // The answer's text, for a shadow comparison only (kept in memory until it is compared).
  let text = deps.shadow === undefined ? null : '';
  try {
    for (;;) {
      const next = await events.next();
      if (next.done === true) break;
      const event = next.value;
      if (outcome.log !== undefined && outcome.log.ttftMs === null && (event.type === 'text-delta' || event.type === 'tool-call-delta'))
        outcome.log.ttftMs = performance.now() - request.t0;
      if (event.type === 'stream-end') outcome.usage = event.usage;
      else if (text !== null && event.type === 'text-delta') text += event.text;
      yield event;
    }
    await settle(request, deps);
    if (deps.shadow !== undefined && text !== null && request.target !== null)
      deps.shadow.offer({ ...shadowFacts(routed), served: request.target, outcome, answer: text });
  } catch (thrown) {
    outcome.errorCode = asFlambeauError(thrown).code;
    throw thrown;
  } finally {
    await events.return?.().catch(() => undefined);
  }
}

const shadowFacts = (routed: RoutedChat) => ({ request: routed.request, inspection: routed.inspection, decision: routed.decision, facts: routed.facts });

/** A whole answer's text; tool calls (no text) as their names and arguments. */
function answerText(result: ChatResult): string {
  if (result.text !== null && result.text !== '') return result.text;
  return result.toolCalls.map((call) => `${call.name}(${call.arguments})`).join('\n');
}
