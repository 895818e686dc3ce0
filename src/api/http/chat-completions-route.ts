import type { IncomingMessage, ServerResponse } from 'node:http';
import { once } from 'node:events';
import { asFlambeauError } from '../../errors/index.js';
import { completeChat, openChatStream, planChat, type ChatDeps } from '../../gateway/chat.js';
import type { Warning } from '../../providers/spec.js';
import { chatCompletionBody } from './chat-completion-response.js';
import { parseChatBody } from './chat-completions-wire.js';
import { ChatSseWriter } from './chat-sse-writer.js';
import { readJsonBody } from './read-json-body.js';
import { targetHeaders, type RequestContext } from './request-context.js';
import { errorBody, sendJson } from './send.js';
import { abortOnClose } from './abort-on-close.js';

export interface ChatRouteDeps extends ChatDeps {
  bodyLimitBytes: number;
}

export async function handleChatCompletions(req: IncomingMessage, res: ServerResponse, ctx: RequestContext, deps: ChatRouteDeps): Promise<void> {
  const parsed = parseChatBody(await readJsonBody(req, deps.bodyLimitBytes));
  ctx.model = parsed.request.model;
  const signal = abortOnClose(res);
  const plan = planChat({ requestId: ctx.id, request: parsed.request, signal }, deps, (target, privacy) => {
    ctx.target = target;
    ctx.privacyAction = privacy.action;
    ctx.privacyFindings = privacy.findings;
  });
  const entry = plan.entry;
  const id = `chatcmpl-${ctx.id}`;
  const created = Math.floor(ctx.startedAt / 1000);

  if (!parsed.stream) {
    const result = await completeChat(plan, signal, deps);
    ctx.usage = result.usage;
    ctx.status = 200;
    sendJson(res, 200, chatCompletionBody(id, created, entry.name, result), { ...targetHeaders(ctx), ...warningHeader(result.warnings) });
    return;
  }

  ctx.streamed = true;
  const { first, rest } = await openChatStream(plan, signal, deps);
  const warnings = first.type === 'stream-start' ? first.warnings : [];
  ctx.status = 200;
  res.writeHead(200, ChatSseWriter.headers({ ...targetHeaders(ctx), ...warningHeader(warnings) }));
  const writer = new ChatSseWriter(res, id, created, entry.name, parsed.includeUsage);
  writer.start();
  let event = first;
  try {
    for (;;) {
      if (ctx.ttftMs === null && (event.type === 'text-delta' || event.type === 'tool-call-delta')) ctx.ttftMs = performance.now() - ctx.t0;
      if (event.type === 'stream-end') ctx.usage = event.usage;
      if (!writer.write(event)) await drain(res, signal);
      const next = await rest.next();
      if (next.done === true) break;
      event = next.value;
    }
    writer.end();
  } catch (thrown) {
    const error = asFlambeauError(thrown);
    ctx.errorCode = error.code;
    if (!signal.aborted) writer.fail(errorBody(error));
    await rest.return?.().catch(() => undefined);
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
