import { asFlambeauError } from '../../errors/index.js';
import { countInputTokens, responseHeaders, startChat } from '../../gateway/index.js';
import type { Warning } from '../../providers/spec.js';
import { abortOnClose } from '../http/abort-on-close.js';
import { readJsonBody } from '../http/read-json-body.js';
import type { RouteCall } from '../http/route-call.js';
import { sendJson } from '../http/send.js';
import { anthropicErrorBody } from './anthropic-error.js';
import { messageBody } from './messages-response.js';
import { MessagesSseWriter } from './messages-sse-writer.js';
import { parseMessagesBody } from './messages-wire.js';
import { drain, streamHeaders, warningHeader } from '../http/stream-out.js';

/**
 * POST /v1/messages: the Anthropic Messages API onto the gateway's chat spine and back (JSON or
 * its event stream). `anthropic-version` and `anthropic-beta` are accepted and not needed: the
 * answer has one shape.
 */
export async function handleMessages(call: RouteCall): Promise<void> {
  const { req, res, request } = call;
  const parsed = parseMessagesBody(await readJsonBody(req, call.deps.bodyLimitBytes));
  const signal = abortOnClose(res);
  const answer = await startChat(
    { request, chat: parsed.request, collections: parsed.knowledge, stream: parsed.stream, tags: req.headers['x-flambeau-tags'], signal },
    call.deps.gateway,
  );
  const id = `msg_${request.outcome.requestId}`;
  const name = request.outcome.model ?? parsed.request.model;

  if (!answer.stream) {
    const headers = { ...responseHeaders(request), ...warningHeader([...parsed.warnings, ...answer.result.warnings]) };
    sendJson(res, 200, messageBody(id, name, answer.result), headers);
    return;
  }

  res.writeHead(
    200,
    streamHeaders('text/event-stream; charset=utf-8', { ...responseHeaders(request), ...warningHeader([...parsed.warnings, ...answer.warnings]) }),
  );
  const writer = new MessagesSseWriter(res, id, name);
  try {
    if (!writer.start()) await drain(res, signal);
    for await (const event of answer.events) if (!writer.write(event)) await drain(res, signal);
    writer.end();
  } catch (thrown) {
    if (!signal.aborted) writer.fail(anthropicErrorBody(asFlambeauError(thrown)));
  }
}

/** POST /v1/messages/count_tokens: the gateway's estimate of the input tokens (see `countInputTokens`). */
export async function handleCountTokens(call: RouteCall): Promise<void> {
  const { req, res, request } = call;
  const parsed = parseMessagesBody(await readJsonBody(req, call.deps.bodyLimitBytes), true);
  const tokens = countInputTokens(request, parsed.request, parsed.knowledge);
  const warnings: Warning[] = [...parsed.warnings, { kind: 'approximated', setting: 'input_tokens', detail: 'estimated by the gateway' }];
  sendJson(res, 200, { input_tokens: tokens }, { ...responseHeaders(request), ...warningHeader(warnings) });
}
