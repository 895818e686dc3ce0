import type { CatalogEntry, ModelCatalog } from '../models/model-catalog.js';
import type { ChatEvent, ChatRequest, ChatResult, Locality } from '../providers/spec.js';
import { FlambeauError } from '../errors/index.js';
import { completeUsage, resultChars } from './usage-estimate.js';

/** Which model actually answers: reported in response headers and the request log. */
export interface ChatTarget {
  name: string;
  provider: string;
  model: string;
  locality: Locality;
}

export interface ChatCall {
  requestId: string;
  /** The request as the client sent it; `model` is the client-facing name. */
  request: ChatRequest;
  signal: AbortSignal;
}

export interface ChatDeps {
  catalog: ModelCatalog;
}

function targetOf(entry: CatalogEntry): ChatTarget {
  return { name: entry.name, provider: entry.provider.id, model: entry.chat.model, locality: entry.locality };
}

function prepare(call: ChatCall, entry: CatalogEntry): ChatRequest {
  const request: ChatRequest = { ...call.request, model: entry.chat.model };
  if (request.maxTokens === undefined && entry.config.maxTokens !== undefined) request.maxTokens = entry.config.maxTokens;
  return request;
}

/** Resolves the model up front so that an unknown name fails before any work (404). */
export function resolveChatTarget(call: ChatCall, deps: ChatDeps): { entry: CatalogEntry; target: ChatTarget } {
  const entry = deps.catalog.get(call.request.model);
  return { entry, target: targetOf(entry) };
}

export async function completeChat(call: ChatCall, entry: CatalogEntry): Promise<ChatResult> {
  const request = prepare(call, entry);
  const result = await entry.chat.generate(request, call.signal);
  return { ...result, usage: completeUsage(result.usage, request, () => resultChars(result)) };
}

/**
 * Opens the upstream stream and waits for its first event, so that a failing upstream still gets
 * a real HTTP status; the caller sends headers only after this resolves.
 */
export async function openChatStream(call: ChatCall, entry: CatalogEntry): Promise<{ first: ChatEvent; rest: AsyncIterator<ChatEvent> }> {
  const request = prepare(call, entry);
  const iterator = withUsage(entry.chat.stream(request, call.signal), request)[Symbol.asyncIterator]();
  const first = await iterator.next();
  if (first.done === true) {
    throw new FlambeauError('upstream_failed', `${entry.provider.id} ended the stream before it started.`, { details: { provider: entry.provider.id } });
  }
  return { first: first.value, rest: iterator };
}

async function* withUsage(events: AsyncIterable<ChatEvent>, request: ChatRequest): AsyncGenerator<ChatEvent> {
  let outputChars = 0;
  for await (const event of events) {
    if (event.type === 'text-delta') outputChars += event.text.length;
    else if (event.type === 'tool-call-delta') outputChars += (event.name?.length ?? 0) + event.argsDelta.length;
    else if (event.type === 'stream-end') {
      yield { ...event, usage: completeUsage(event.usage, request, () => outputChars) };
      continue;
    }
    yield event;
  }
}
