// Turns a scripted behaviour into what to send: unwraps 'slow' into a delay, fills reply defaults
// and picks the plan each behaviour produces on a given route.
import { deliver, deliverRaw, type Delivery, type Exchange } from './deliver.js';
import type { Plan, ReplyContent, Route } from './plan.js';
import type { Behaviour } from './types.js';

export const DEFAULT_TEXT = 'Hello from the stand-in cloud.';
type Core = Exclude<Behaviour, { kind: 'slow' }>;
type Answering = Extract<Behaviour, { kind: 'reply' | 'echo' }>;

const INITIAL_REPLY: Answering = { kind: 'reply', text: DEFAULT_TEXT };
export const INITIAL_DEFAULT: Behaviour = INITIAL_REPLY;

/** Sums nested delays; a 'slow' without `then` runs the default (or, if that is slow too, the initial reply). */
function unwrapSlow(behaviour: Behaviour, fallback: Behaviour): { delayMs: number; core: Core } {
  let delayMs = 0;
  let current = behaviour;
  let fallbackUsed = false;
  while (current.kind === 'slow') {
    delayMs += Math.max(0, current.delayMs);
    if (current.then) current = current.then;
    else if (!fallbackUsed) {
      current = fallback;
      fallbackUsed = true;
    } else current = INITIAL_DEFAULT;
  }
  return { delayMs, core: current };
}

function contentOf(core: Answering, route: Route, body: unknown): ReplyContent {
  if (core.kind === 'echo') {
    return { text: route.texts(body).join('\n'), toolCalls: [], usage: true, chunkSize: core.chunkSize, finishReason: undefined };
  }
  const toolCalls = (core.toolCalls ?? []).map((c) => ({ name: c.name, arguments: c.arguments, id: c.id }));
  return {
    text: core.text ?? (toolCalls.length > 0 ? '' : DEFAULT_TEXT),
    toolCalls,
    usage: core.usage ?? true,
    chunkSize: core.chunkSize,
    finishReason: core.finishReason,
  };
}

/** What a stream that breaks or errors halfway carries: the default's content when it has some. */
function contentBeforeFailure(fallback: Behaviour, route: Route, body: unknown): ReplyContent {
  const { core } = unwrapSlow(fallback, INITIAL_DEFAULT);
  return contentOf(core.kind === 'reply' || core.kind === 'echo' ? core : INITIAL_REPLY, route, body);
}

function midStreamErrorPlan(core: Extract<Core, { kind: 'error-mid-stream' }>, route: Route, body: unknown, fallback: Behaviour): Plan {
  if (!route.streams(body)) {
    return route.wire.failure(core.status ?? (route.wire.protocol === 'anthropic' ? 529 : 500), core.message);
  }
  const plan = route.answer(body, contentBeforeFailure(fallback, route, body));
  if (plan.kind !== 'sse') return plan;
  return { ...plan, frames: [...plan.frames.slice(0, Math.max(0, core.afterChunks)), route.wire.errorFrame(core.status, core.message)] };
}

/** Answers an accepted request (headers and body already checked) as `behaviour` says. */
export async function perform(ex: Exchange, behaviour: Behaviour, fallback: Behaviour, route: Route, body: unknown): Promise<void> {
  const { delayMs, core } = unwrapSlow(behaviour, fallback);
  const plain: Delivery = { delayMs, cutAfter: undefined };
  switch (core.kind) {
    case 'reset':
      ex.breakConnection('reset');
      return;
    case 'hang':
      // Nothing is written; the exchange ends when the client (or close()) drops the socket.
      return;
    case 'fail':
      await deliver(ex, route.wire.failure(core.status, core.message, core.retryAfterSeconds), plain);
      return;
    case 'break-mid-stream':
      await deliver(ex, route.answer(body, contentBeforeFailure(fallback, route, body)), { delayMs, cutAfter: Math.max(0, core.afterChunks) });
      return;
    case 'error-mid-stream':
      await deliver(ex, midStreamErrorPlan(core, route, body, fallback), plain);
      return;
    case 'raw': {
      const contentType = core.contentType ?? (route.streams(body) ? 'text/event-stream; charset=utf-8' : 'application/json');
      const bytes = typeof core.body === 'string' ? Buffer.from(core.body) : core.body;
      await deliverRaw(ex, { status: core.status ?? 200, contentType, body: bytes, hold: core.hold ?? false }, delayMs);
      return;
    }
    case 'reply':
    case 'echo':
      await deliver(ex, route.answer(body, contentOf(core, route, body)), plain);
      return;
  }
}
