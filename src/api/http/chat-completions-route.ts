import type { IncomingMessage, ServerResponse } from 'node:http';
import { once } from 'node:events';
import { asFlambeauError } from '../../errors/index.js';
import { completeChat, openChatStream, routeChat, type ChatDeps, type ChatObserver } from '../../gateway/chat.js';
import { parseTags } from '../../router/request-facts.js';
import type { Warning } from '../../providers/spec.js';
import { abortOnClose } from './abort-on-close.js';
import { chatCompletionBody } from './chat-completion-response.js';
import { parseChatBody, type ParsedChat } from './chat-completions-wire.js';
import type { ChatRequest } from '../../providers/spec.js';
import { withKnowledgeContext, type Citation, type Knowledge } from '../../knowledge/index.js';
import { ChatSseWriter } from './chat-sse-writer.js';
import { readJsonBody } from './read-json-body.js';
import { targetHeaders, type RequestContext } from './request-context.js';
import { errorBody, sendJson } from './send.js';
import { admitRequest, recordRequest, type AccountingDeps } from './request-accounting.js';
import { checkScope } from '../../auth/scope.js';
import { actualCost, worstCaseChatCost } from '../../gateway/budget-hold.js';
import { estimateInputTokens, inputTokenBound } from '../../gateway/usage-estimate.js';

export interface ChatRouteDeps extends ChatDeps, AccountingDeps {
  bodyLimitBytes: number;
  defaultMaxOutputTokens: number;
  knowledge: Knowledge;
  /** Tokens of retrieved text a prompt may carry; what does not fit is reported. */
  knowledgeContextTokens: number;
}

/** Retrieves from the named collections and quotes the chunks into the request as delimited data. */
async function withRetrieval(parsed: ParsedChat, ctx: RequestContext, deps: ChatRouteDeps, signal: AbortSignal): Promise<{ request: ChatRequest; knowledge?: { used: boolean; shareable: boolean }; extension?: Record<string, unknown> }> {
  if (parsed.knowledge.length === 0) return { request: parsed.request };
  if (ctx.principal !== null) checkScope(ctx.principal, { endpoint: 'chat', collections: parsed.knowledge });
  deps.knowledge.requireCollections(parsed.knowledge);
  const retrieval = await deps.knowledge.retrieve(parsed.request.messages, parsed.knowledge, { tokenBudget: deps.knowledgeContextTokens, signal });
  const { context } = retrieval;
  const used = context.citations.length > 0;
  return {
    request: used ? withKnowledgeContext(parsed.request, context) : parsed.request,
    knowledge: { used, shareable: retrieval.shareable },
    extension: {
      citations: context.citations.map(citationJson),
      knowledge: {
        collections: parsed.knowledge,
        query: retrieval.query,
        used_tokens: context.usedTokens,
        dropped_tokens: context.droppedTokens,
        dropped_chunks: context.droppedChunks,
        degraded: retrieval.degraded,
        skipped: retrieval.skipped,
      },
    },
  };
}

/** A citation on the wire: `n` is the number of its `<<<DOCUMENT [n]` block in the prompt; times as ISO strings, as /v1/knowledge/search gives them. */
function citationJson(c: Citation): Record<string, unknown> {
  return {
    n: c.n,
    chunk_id: c.chunkId,
    collection: c.collection,
    path: c.path,
    page: c.page,
    heading: c.heading,
    start: c.start,
    end: c.end,
    mtime: new Date(c.mtime).toISOString(),
    date: new Date(c.date).toISOString(),
    ...(c.message === null ? {} : { message: c.message }),
    ...(c.sender === null ? {} : { sender: c.sender }),
    ...(c.subject === null ? {} : { subject: c.subject }),
    score: c.score,
  };
}

/** Fills the request context (log, headers) as the gateway learns route, target and privacy facts. */
export function observerFor(ctx: RequestContext): ChatObserver {
  return {
    decided(decision, findings) {
      ctx.route = decision.route;
      ctx.privacyFindings = findings;
    },
    target(target, action) {
      ctx.target = target;
      ctx.privacyAction = action;
    },
    escalated(reason) {
      ctx.escalation = reason;
    },
  };
}

export async function handleChatCompletions(req: IncomingMessage, res: ServerResponse, ctx: RequestContext, deps: ChatRouteDeps): Promise<void> {
  const parsed = parseChatBody(await readJsonBody(req, deps.bodyLimitBytes));
  ctx.model = parsed.request.model;
  const principal = ctx.principal;
  if (principal !== null) checkScope(principal, { endpoint: 'chat', model: parsed.request.model });
  await admitRequest(res, ctx, deps, estimateInputTokens(parsed.request) + (parsed.request.maxTokens ?? 0));
  const signal = abortOnClose(res);
  const observer = observerFor(ctx);
  const retrieved = await withRetrieval(parsed, ctx, deps, signal);
  const routed = await routeChat(
    { requestId: ctx.id, request: retrieved.request, caller: ctx.caller, tags: parseTags(req.headers['x-flambeau-tags']), signal, ...(retrieved.knowledge === undefined ? {} : { knowledge: retrieved.knowledge }) },
    deps,
    observer,
  );
  if (principal !== null) {
    // Hold the worst case over every candidate (fallbacks, cascade) before any call: a bound on
    // everything forwarded, not routing's estimate (docs/decisions/0004-budget-hold-bound.md).
    const inputBound = inputTokenBound(retrieved.request, routed.inspection.findings);
    ctx.reservation = deps.ledger.reserve(principal, { maxCostUsd: worstCaseChatCost(deps.catalog, retrieved.request, inputBound, [...routed.decision.candidates], deps.defaultMaxOutputTokens) });
  }
  const id = `chatcmpl-${ctx.id}`;
  const created = Math.floor(ctx.startedAt / 1000);
  const name = parsed.request.model;

  if (!parsed.stream) {
    const result = await completeChat(routed, deps, observer);
    ctx.usage = result.usage;
    ctx.status = 200;
    settle(ctx, deps);
    const body = chatCompletionBody(id, created, name, result);
    if (retrieved.extension !== undefined) body.flambeau = retrieved.extension;
    sendJson(res, 200, body, { ...targetHeaders(ctx), ...warningHeader(result.warnings) });
    return;
  }

  ctx.streamed = true;
  const { warnings, events } = await openChatStream(routed, deps, observer);
  ctx.status = 200;
  res.writeHead(200, ChatSseWriter.headers({ ...targetHeaders(ctx), ...warningHeader(warnings) }));
  const writer = new ChatSseWriter(res, id, created, name, parsed.includeUsage, retrieved.extension);
  writer.start();
  try {
    for (;;) {
      const next = await events.next();
      if (next.done === true) break;
      const event = next.value;
      if (ctx.ttftMs === null && (event.type === 'text-delta' || event.type === 'tool-call-delta')) ctx.ttftMs = performance.now() - ctx.t0;
      if (event.type === 'stream-end') ctx.usage = event.usage;
      if (!writer.write(event)) await drain(res, signal);
    }
    settle(ctx, deps);
    writer.end();
  } catch (thrown) {
    const error = asFlambeauError(thrown);
    ctx.errorCode = error.code;
    if (!signal.aborted) writer.fail(errorBody(error));
    await events.return?.().catch(() => undefined);
  }
}

/** Prices the answer and writes usage + audit before the last byte: an acknowledged request is on disk. */
function settle(ctx: RequestContext, deps: ChatRouteDeps): void {
  if (ctx.target !== null && ctx.usage !== null) ctx.costUsd = actualCost(deps.catalog, ctx.target.name, ctx.usage);
  recordRequest(ctx, deps);
}

/** Settings the model could not honour, e.g. `unsupported:seed, approximated:tool_choice`. */
function warningHeader(warnings: Warning[]): Record<string, string> {
  if (warnings.length === 0) return {};
  return { 'x-flambeau-warnings': warnings.map((w) => `${w.kind}:${w.setting}`).join(', ') };
}

async function drain(res: ServerResponse, signal: AbortSignal): Promise<void> {
  if (signal.aborted) throw signal.reason;
  await once(res, 'drain', { signal });
}
