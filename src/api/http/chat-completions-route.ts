import { asFlambeauError } from '../../errors/index.js';
import { responseHeaders, startChat } from '../../gateway/index.js';
import { abortOnClose } from './abort-on-close.js';
import { chatCompletionJson } from './chat-completion-response.js';
import { parseChatBody } from './chat-completions-wire.js';
import { ChatSseWriter } from './chat-sse-writer.js';
import { knowledgeExtension } from './knowledge-wire.js';
import { readJsonBody } from './read-json-body.js';
import { errorBody, sendJsonText } from './send.js';
import type { RouteCall } from './route-call.js';
import { drain, streamHeaders, warningHeader } from './stream-out.js';

/** POST /v1/chat/completions: the OpenAI wire format onto the gateway's chat spine and back (JSON or SSE). */
export async function handleChatCompletions(call: RouteCall): Promise<void> {
  const { req, res, request } = call;
  const deps = call.deps.gateway;
  const parsed = parseChatBody(await readJsonBody(req, call.deps.bodyLimitBytes));
  const signal = abortOnClose(res);
  const answer = await startChat(
    { request, chat: parsed.request, collections: parsed.knowledge, stream: parsed.stream, tags: req.headers['x-flambeau-tags'], signal },
    deps,
  );
  const id = `chatcmpl-${request.outcome.requestId}`;
  const created = Math.floor(request.outcome.startedAt / 1000);
  const name = request.outcome.model ?? parsed.request.model;
  const extension = knowledgeExtension(answer.knowledge);

  if (!answer.stream) {
    const headers: Record<string, string | number> = responseHeaders(request);
    if (answer.result.warnings.length > 0) Object.assign(headers, warningHeader(answer.result.warnings));
    sendJsonText(res, 200, chatCompletionJson(id, created, name, answer.result, extension), headers);
    return;
  }

  res.writeHead(200, streamHeaders('text/event-stream; charset=utf-8', { ...responseHeaders(request), ...warningHeader(answer.warnings) }));
  const writer = new ChatSseWriter(res, id, created, name, parsed.includeUsage, extension);
  writer.start();
  try {
    for await (const event of answer.events) if (!writer.write(event)) await drain(res, signal);
    writer.end();
  } catch (thrown) {
    if (!signal.aborted) writer.fail(errorBody(asFlambeauError(thrown)));
  }
}
