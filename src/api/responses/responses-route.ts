import type { ServerResponse } from 'node:http';
import { once } from 'node:events';
import { asFlambeauError } from '../../errors/index.js';
import { responseHeaders, startChat } from '../../gateway/index.js';
import { abortOnClose } from '../http/abort-on-close.js';
import { warningHeader } from '../http/chat-completions-route.js';
import { ChatSseWriter } from '../http/chat-sse-writer.js';
import { knowledgeExtension } from '../http/knowledge-wire.js';
import { readJsonBody } from '../http/read-json-body.js';
import type { RouteCall } from '../http/route-call.js';
import { sendJson } from '../http/send.js';
import { completedResponse, type ResponseHead } from './response-object.js';
import { parseResponsesBody } from './responses-wire.js';
import { ResponsesSseWriter } from './responses-sse-writer.js';

/** POST /v1/responses: the OpenAI Responses wire format onto the gateway's chat spine and back (JSON or SSE). */
export async function handleResponses(call: RouteCall): Promise<void> {
  const { req, res, request } = call;
  const parsed = parseResponsesBody(await readJsonBody(req, call.deps.bodyLimitBytes));
  const signal = abortOnClose(res);
  const answer = await startChat(
    { request, chat: parsed.request, collections: parsed.knowledge, stream: parsed.stream, tags: req.headers['x-flambeau-tags'], signal },
    call.deps.gateway,
  );
  const head: ResponseHead = {
    id: `resp_${request.outcome.requestId}`,
    created: Math.floor(request.outcome.startedAt / 1000),
    model: request.outcome.model ?? parsed.request.model,
    parsed,
    extension: knowledgeExtension(answer.knowledge),
  };

  if (!answer.stream) {
    sendJson(res, 200, completedResponse(head, answer.result), { ...responseHeaders(request), ...warningHeader(answer.result.warnings) });
    return;
  }

  res.writeHead(200, ChatSseWriter.headers({ ...responseHeaders(request), ...warningHeader(answer.warnings) }));
  const writer = new ResponsesSseWriter(res, head);
  writer.start();
  try {
    for await (const event of answer.events) if (!writer.write(event)) await drain(res, signal);
    writer.end();
  } catch (thrown) {
    if (signal.aborted) return;
    const error = asFlambeauError(thrown);
    writer.fail({ code: error.code, message: error.message });
  }
}

async function drain(res: ServerResponse, signal: AbortSignal): Promise<void> {
  if (signal.aborted) throw signal.reason;
  await once(res, 'drain', { signal });
}
