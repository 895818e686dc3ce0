import type { IncomingMessage, ServerResponse } from 'node:http';
import { once } from 'node:events';
import { asFlambeauError } from '../../errors/index.js';
import { completeChat, openChatStream, routeChat, type ChatDeps, type ChatObserver } from '../../gateway/chat.js';
import { parseTags } from '../../router/request-facts.js';
import type { Warning } from '../../providers/spec.js';
import { abortOnClose } from './abort-on-close.js';
import { chatCompletionBody } from './chat-completion-response.js';
import { parseChatBody } from './chat-completions-wire.js';
import { ChatSseWriter } from './chat-sse-writer.js';
import { readJsonBody } from './read-json-body.js';
import { targetHeaders, type RequestContext } from './request-context.js';
import { errorBody, sendJson } from './send.js';

export interface ChatRouteDeps extends ChatDeps {
  bodyLimitBytes: number;
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
  const signal = abortOnClose(res);
  const observer = observerFor(ctx);
  const routed = routeChat({ requestId: ctx.id, request: parsed.request, caller: ctx.caller, tags: parseTags(req.headers['x-flambeau-tags']), signal }, deps, observer);
  const id = `chatcmpl-${ctx.id}`;
  const created = Math.floor(ctx.startedAt / 1000);
  const name = parsed.request.model;

  if (!parsed.stream) {
    const result = await completeChat(routed, deps, observer);
    ctx.usage = result.usage;
    ctx.status = 200;
    sendJson(res, 200, chatCompletionBody(id, created, name, result), { ...targetHeaders(ctx), ...warningHeader(result.warnings) });
    return;
  }

  ctx.streamed = true;
  const { warnings, events } = await openChatStream(routed, deps, observer);
  ctx.status = 200;
  res.writeHead(200, ChatSseWriter.headers({ ...targetHeaders(ctx), ...warningHeader(warnings) }));
  const writer = new ChatSseWriter(res, id, created, name, parsed.includeUsage);
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
    writer.end();
  } catch (thrown) {
    const error = asFlambeauError(thrown);
    ctx.errorCode = error.code;
    if (!signal.aborted) writer.fail(errorBody(error));
    await events.return?.().catch(() => undefined);
  }
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
