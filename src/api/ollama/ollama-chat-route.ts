import { asFlambeauError } from '../../errors/index.js';
import { getModel, responseHeaders, startChat } from '../../gateway/index.js';
import { abortOnClose } from '../http/abort-on-close.js';
import { knowledgeExtension } from '../http/knowledge-wire.js';
import { readJsonBody } from '../http/read-json-body.js';
import type { RouteCall } from '../http/route-call.js';
import { sendJson } from '../http/send.js';
import { ollamaAnswerBody, type OllamaKind } from './ollama-answer.js';
import { OllamaNdjsonWriter } from './ollama-ndjson-writer.js';
import { parseOllamaChat, parseOllamaGenerate, type ParsedOllamaChat } from './ollama-wire.js';
import { drain, streamHeaders, warningHeader } from '../http/stream-out.js';

/** POST /api/chat: Ollama's chat onto the gateway's chat spine; NDJSON unless `stream: false`. */
export async function handleOllamaChat(call: RouteCall): Promise<void> {
  await answer(call, 'chat', parseOllamaChat(await readJsonBody(call.req, call.deps.bodyLimitBytes)));
}

/**
 * POST /api/generate. An empty prompt is Ollama's way to load a model: we check the name (scope,
 * existence) and answer `done_reason: "load"`; the engine loads local models on first use.
 */
export async function handleOllamaGenerate(call: RouteCall): Promise<void> {
  const parsed = parseOllamaGenerate(await readJsonBody(call.req, call.deps.bodyLimitBytes));
  if (!parsed.empty) return answer(call, 'generate', parsed);
  const { res, request } = call;
  const model = parsed.request.model;
  request.outcome.model = model;
  getModel(request, model, call.deps.gateway);
  const body = { model, created_at: new Date().toISOString(), response: '', done: true, done_reason: 'load' };
  if (!parsed.stream) return sendJson(res, 200, body, responseHeaders(request));
  res.writeHead(200, streamHeaders('application/x-ndjson', responseHeaders(request)));
  res.end(`${JSON.stringify(body)}\n`);
}

async function answer(call: RouteCall, kind: OllamaKind, parsed: ParsedOllamaChat): Promise<void> {
  const { req, res, request } = call;
  // Ollama answers with the name the client asked for.
  const model = parsed.request.model;
  const signal = abortOnClose(res);
  const answered = await startChat(
    { request, chat: parsed.request, collections: [], stream: parsed.stream, tags: req.headers['x-flambeau-tags'], signal },
    call.deps.gateway,
  );
  const startedAt = request.outcome.startedAt;
  // Citations of a `rag:` answer: our `flambeau` field, as on chat completions (on the done line when streamed).
  const extension = knowledgeExtension(answered.knowledge);

  if (!answered.stream) {
    const result = answered.result;
    const headers = { ...responseHeaders(request), ...warningHeader([...parsed.warnings, ...result.warnings]) };
    const body = ollamaAnswerBody(kind, model, result, { startedAt, firstTokenAt: null, endedAt: Date.now() });
    sendJson(res, 200, extension === undefined ? body : { ...body, flambeau: extension }, headers);
    return;
  }

  res.writeHead(200, streamHeaders('application/x-ndjson', { ...responseHeaders(request), ...warningHeader([...parsed.warnings, ...answered.warnings]) }));
  const writer = new OllamaNdjsonWriter(res, kind, model, startedAt, extension);
  try {
    for await (const event of answered.events) if (!writer.write(event)) await drain(res, signal);
    writer.end();
  } catch (thrown) {
    if (!signal.aborted) writer.fail(asFlambeauError(thrown).message);
  }
}
