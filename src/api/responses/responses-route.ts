import { randomBytes } from 'node:crypto';
import { asFlambeauError, FlambeauError } from '../../errors/index.js';
import { deleteResponse, findResponse, responseHeaders, saveResponse, startChat, type GatewayRequest, type StoredResponse } from '../../gateway/index.js';
import type { GatewayDeps } from '../../gateway/index.js';
import { abortOnClose } from '../http/abort-on-close.js';
import { knowledgeExtension } from '../http/knowledge-wire.js';
import { readJsonBody } from '../http/read-json-body.js';
import type { RouteCall } from '../http/route-call.js';
import { sendJson } from '../http/send.js';
import { completedResponse, type ResponseHead } from './response-object.js';
import { parseResponsesBody, type ParsedResponses, type StoredLookup } from './responses-wire.js';
import { ResponsesSseWriter } from './responses-sse-writer.js';
import { drain, streamHeaders, warningHeader } from '../http/stream-out.js';

/** POST /v1/responses: the OpenAI Responses wire format onto the gateway's chat spine and back (JSON or SSE). */
export async function handleResponses(call: RouteCall): Promise<void> {
  const { req, res, request } = call;
  const deps = call.deps.gateway;
  const raw = await readJsonBody(req, call.deps.bodyLimitBytes);
  const parsed = parseResponsesBody(raw, await storedLookup(deps, request, raw));
  const signal = abortOnClose(res);
  const answer = await startChat(
    { request, chat: parsed.request, collections: parsed.knowledge, stream: parsed.stream, tags: req.headers['x-flambeau-tags'], signal },
    deps,
  );
  // Random, not the request id: a caller may reuse its x-request-id, a stored response id may not repeat.
  const head: ResponseHead = {
    id: `resp_${randomBytes(12).toString('hex')}`,
    created: Math.floor(request.outcome.startedAt / 1000),
    model: request.outcome.model ?? parsed.request.model,
    parsed,
    extension: knowledgeExtension(answer.knowledge),
  };

  if (!answer.stream) {
    const response = completedResponse(head, answer.result);
    sendJson(res, 200, response, { ...responseHeaders(request), ...warningHeader(answer.result.warnings) });
    await store(deps, request, parsed, head, response);
    return;
  }

  res.writeHead(200, streamHeaders('text/event-stream; charset=utf-8', { ...responseHeaders(request), ...warningHeader(answer.warnings) }));
  const writer = new ResponsesSseWriter(res, head);
  writer.start();
  try {
    for await (const event of answer.events) if (!writer.write(event)) await drain(res, signal);
    writer.end();
    const response = writer.final;
    if (response !== undefined) await store(deps, request, parsed, head, response);
  } catch (thrown) {
    if (signal.aborted) return;
    const error = asFlambeauError(thrown);
    writer.fail({ code: error.code, message: error.message });
  }
}

/** GET /v1/responses/{id}: a stored response of the caller's key. */
export async function handleGetResponse(call: RouteCall): Promise<void> {
  sendJson(call.res, 200, (await ownResponse(call)).response, { 'x-request-id': call.request.outcome.requestId });
}

/** DELETE /v1/responses/{id}. */
export async function handleDeleteResponse(call: RouteCall): Promise<void> {
  const id = call.params[0] as string;
  if (!(await deleteResponse(call.deps.gateway, call.request, id))) throw notFound(id);
  sendJson(call.res, 200, { id, object: 'response.deleted', deleted: true }, { 'x-request-id': call.request.outcome.requestId });
}

/** GET /v1/responses/{id}/input_items: the conversation the response answered, as OpenAI lists it (`order`, `limit`, `after`). */
export async function handleListInputItems(call: RouteCall): Promise<void> {
  const stored = await ownResponse(call);
  const order = call.query.get('order') ?? 'desc';
  if (order !== 'asc' && order !== 'desc')
    throw new FlambeauError('invalid_request', "Invalid value for 'order': expected 'asc' or 'desc'.", { param: 'order' });
  const limitText = call.query.get('limit') ?? '20';
  const limit = Number(limitText);
  if (!/^\d+$/.test(limitText) || limit < 1 || limit > 100)
    throw new FlambeauError('invalid_request', "Invalid value for 'limit': expected 1 to 100.", { param: 'limit' });
  const items = stored.inputItems.map((item, i) => listedItem(item, `item_${stored.id.slice(5)}_${i}`));
  const ordered = order === 'asc' ? items : items.reverse();
  const after = call.query.get('after');
  const start = after === null ? 0 : ordered.findIndex((item) => item.id === after) + 1;
  const data = ordered.slice(start, start + limit);
  sendJson(
    call.res,
    200,
    { object: 'list', data, first_id: data[0]?.id ?? null, last_id: data.at(-1)?.id ?? null, has_more: start + limit < ordered.length },
    { 'x-request-id': call.request.outcome.requestId },
  );
}

/**
 * An input item as OpenAI lists it: typed, text content as parts. Items sent without an id get a
 * stable one, their place in the stored conversation.
 */
function listedItem(item: unknown, fallbackId: string): Record<string, unknown> {
  const object = typeof item === 'object' && item !== null ? (item as Record<string, unknown>) : {};
  const listed: Record<string, unknown> = { ...object, id: typeof object.id === 'string' ? object.id : fallbackId };
  if (object.type === undefined && typeof object.role === 'string') {
    listed.type = 'message';
    if (typeof object.content === 'string') {
      listed.content = [
        object.role === 'assistant' ? { type: 'output_text', text: object.content, annotations: [] } : { type: 'input_text', text: object.content },
      ];
    }
  }
  return listed;
}

async function ownResponse(call: RouteCall) {
  const id = call.params[0] as string;
  const stored = await findResponse(call.deps.gateway, call.request, id);
  if (stored === undefined) throw notFound(id);
  return stored;
}

// Another key's response is "not found" too: its existence is not the caller's to learn.
function notFound(id: string): FlambeauError {
  return new FlambeauError('not_found', `No stored response with id ${JSON.stringify(id.slice(0, 128))}.`);
}

/**
 * What `previous_response_id` and `item_reference` read: the caller's own stored responses,
 * fetched before the body is parsed (the store answers asynchronously; parsing stays a pure
 * function of the body and what it names).
 */
async function storedLookup(deps: GatewayDeps, request: GatewayRequest, raw: unknown): Promise<StoredLookup> {
  // Output item ids are `msg_<hex>`, `msg_<hex>_<n>` or `fc_<hex>_<n>`: the hex is the response's.
  const responseOf = (itemId: string) => /^(?:msg|fc)_([0-9a-f]{24})(?:_\d+)?$/.exec(itemId)?.[1];
  const wanted = new Set<string>();
  const body = raw !== null && typeof raw === 'object' ? (raw as { previous_response_id?: unknown; input?: unknown }) : {};
  if (typeof body.previous_response_id === 'string') wanted.add(body.previous_response_id);
  if (Array.isArray(body.input))
    for (const item of body.input as { type?: unknown; id?: unknown }[]) {
      const hex = item?.type === 'item_reference' && typeof item.id === 'string' ? responseOf(item.id) : undefined;
      if (hex !== undefined) wanted.add(`resp_${hex}`);
    }
  const found = new Map<string, StoredResponse>();
  for (const id of wanted) {
    const stored = await findResponse(deps, request, id);
    if (stored !== undefined) found.set(id, stored);
  }
  return {
    conversation(responseId) {
      const stored = found.get(responseId);
      return stored === undefined ? undefined : [...stored.inputItems, ...((stored.response.output as unknown[] | undefined) ?? [])];
    },
    item(itemId) {
      const hex = responseOf(itemId);
      if (hex === undefined) return undefined;
      const output = found.get(`resp_${hex}`)?.response.output as { id?: unknown }[] | undefined;
      return output?.find((item) => item.id === itemId);
    },
  };
}

/**
 * `store` defaults to true, as OpenAI; only a finished answer is stored. Called right after the
 * last byte is handed to the socket, in the same tick: the write costs the client no latency, and
 * no request of the same client (previous_response_id) can be read before it is done.
 */
async function store(
  deps: GatewayDeps,
  request: GatewayRequest,
  parsed: ParsedResponses,
  head: ResponseHead,
  response: Record<string, unknown>,
): Promise<void> {
  if (parsed.body.store === false) return;
  try {
    await saveResponse(deps, request, { id: head.id, createdAt: head.created * 1000, inputItems: parsed.items, response });
  } catch (error) {
    deps.logger.error('stored response write failed', { requestId: request.outcome.requestId, error: String(error) });
  }
}
