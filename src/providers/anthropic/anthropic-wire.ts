import { z } from 'zod';
import type { Finish, Usage } from '../spec.js';

/**
 * Anthropic Messages API shapes (https://docs.anthropic.com/en/api/messages), as far as we read
 * them. Objects are not strict: Anthropic adds fields over time and its versioning policy asks
 * clients to ignore what they do not know.
 */

const WireUsage = z.object({
  input_tokens: z.number().nullish(),
  output_tokens: z.number().nullish(),
  cache_creation_input_tokens: z.number().nullish(),
  cache_read_input_tokens: z.number().nullish(),
});
export type AnthropicUsage = z.infer<typeof WireUsage>;

/** Content blocks we translate; any other block type (thinking, server tools...) is skipped. */
const WireBlock = z.object({
  type: z.string(),
  text: z.string().optional(),
  id: z.string().optional(),
  name: z.string().optional(),
  input: z.unknown().optional(),
});
export type AnthropicBlock = z.infer<typeof WireBlock>;

const WireMessage = z.object({
  type: z.literal('message').optional(),
  content: z.array(WireBlock),
  stop_reason: z.string().nullish(),
  usage: WireUsage.nullish(),
});
export type AnthropicMessage = z.infer<typeof WireMessage>;

const WireError = z.object({ type: z.string().optional(), message: z.string().optional() });

/** Every stream event has a `type`; the per-type schemas below are applied after dispatching on it. */
const WireEventHead = z.object({ type: z.string() });

export const StreamEventSchemas = {
  message_start: z.object({ message: z.object({ usage: WireUsage.nullish() }) }),
  content_block_start: z.object({ index: z.number().int(), content_block: WireBlock }),
  content_block_delta: z.object({
    index: z.number().int(),
    delta: z.object({ type: z.string(), text: z.string().optional(), partial_json: z.string().optional() }),
  }),
  content_block_stop: z.object({ index: z.number().int() }),
  message_delta: z.object({
    delta: z.object({ stop_reason: z.string().nullish() }).nullish(),
    usage: WireUsage.nullish(),
  }),
  message_stop: z.object({}),
  ping: z.object({}),
  error: z.object({ error: WireError.nullish() }),
} as const;

export type StreamEventType = keyof typeof StreamEventSchemas;
export type StreamEvent<T extends StreamEventType> = z.infer<(typeof StreamEventSchemas)[T]>;

/** One parsed stream event: a known type with its checked payload, or an unknown type to ignore. */
export type AnthropicStreamEvent = { [T in StreamEventType]: { type: T; event: StreamEvent<T> } }[StreamEventType] | { type: 'unknown'; name: string };

/** Parses one SSE `data` payload. Throws SyntaxError (not JSON) or a zod error (wrong shape). */
export function parseAnthropicStreamEvent(data: string): AnthropicStreamEvent {
  const raw: unknown = JSON.parse(data);
  const { type } = WireEventHead.parse(raw);
  if (!Object.hasOwn(StreamEventSchemas, type)) return { type: 'unknown', name: type };
  const known = type as StreamEventType;
  return { type: known, event: StreamEventSchemas[known].parse(raw) } as AnthropicStreamEvent;
}

/** Parses a non-streamed `Message` body. Throws when it is not JSON or not a message. */
export function parseAnthropicMessage(text: string): AnthropicMessage {
  return WireMessage.parse(JSON.parse(text));
}

/**
 * The JSON object a `tool_use` block must carry as `input`, from our arguments text. An empty text
 * counts as `{}` (OpenAI-style clients send that for argument-less tools). Undefined when the text
 * is not JSON or not an object.
 */
export function parseToolInput(args: string): Record<string, unknown> | undefined {
  if (args.trim() === '') return {};
  let value: unknown;
  try {
    value = JSON.parse(args);
  } catch {
    return undefined;
  }
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

export function fromAnthropicStopReason(raw: string | null | undefined): Finish {
  if (raw === null || raw === undefined) return { reason: 'other' };
  switch (raw) {
    case 'end_turn':
    case 'stop_sequence':
      return { reason: 'stop', raw };
    case 'max_tokens':
      return { reason: 'length', raw };
    case 'tool_use':
      return { reason: 'tool-calls', raw };
    case 'refusal':
      return { reason: 'filtered', raw };
    default:
      // pause_turn, model_context_window_exceeded and whatever comes next.
      return { reason: 'other', raw };
  }
}

/**
 * Anthropic counts cached prompt tokens apart from `input_tokens`; the prompt's size is their sum
 * (per the API reference: "Total input tokens ... is the summation of ...").
 */
export function fromAnthropicUsage(usage: AnthropicUsage | null | undefined): Usage {
  const input = usage?.input_tokens;
  const output = usage?.output_tokens;
  return {
    inputTokens: typeof input === 'number' ? input + (usage?.cache_creation_input_tokens ?? 0) + (usage?.cache_read_input_tokens ?? 0) : null,
    outputTokens: typeof output === 'number' ? output : null,
    estimated: false,
    ...(typeof usage?.cache_read_input_tokens === 'number' ? { cachedInputTokens: usage.cache_read_input_tokens } : {}),
  };
}

/** The upstream error type and message of an in-stream `error` event, trimmed. */
export function describeAnthropicError(event: StreamEvent<'error'>): { type: string; message: string } {
  const type = event.error?.type ?? 'error';
  const message = (event.error?.message ?? 'unknown error').replace(/\s+/g, ' ').trim().slice(0, 300);
  return { type, message };
}
