import { z } from 'zod';
import { WireShapeError } from '../http/unreadable-upstream.js';
import type { Finish, ToolCall, Usage } from '../spec.js';

/**
 * OpenAI Chat Completions and Embeddings response shapes, as far as we read them. Objects are
 * not strict: the OpenAI family (OpenAI, Mistral, vLLM, llama-server, Ollama...) adds fields of
 * its own, and unknown fields must pass. They pass stripped (`z.object`), not kept
 * (`z.looseObject`): nothing reads them, and copying them cost ~20% more per streamed frame
 * (bench/provider-stream.bench.ts). A field we read with the wrong type fails the parse, and the
 * caller turns that into `upstream_failed` naming the provider.
 */

const WireUsage = z.object({
  prompt_tokens: z.number().nullish(),
  completion_tokens: z.number().nullish(),
  // A server that does not know it (or says null) is not wrong: only a number is read.
  prompt_tokens_details: z.object({ cached_tokens: z.unknown().optional() }).nullish().catch(null),
});
export type OpenAiUsage = z.infer<typeof WireUsage>;

/**
 * A string or null. Mistral's reasoning models send an array of content chunks; those are not
 * read (no text), as before the schema existed, rather than failing the call.
 */
const WireContent = z.union([z.string(), z.array(z.unknown())]).nullish();

const WireToolCall = z.object({
  index: z.number().int().nullish(),
  id: z.string().nullish(),
  function: z.object({ name: z.string().nullish(), arguments: z.string().nullish() }).nullish(),
});
export type OpenAiToolCall = z.infer<typeof WireToolCall>;

const WireCompletion = z.object({
  choices: z
    .array(
      z.object({
        message: z.object({ content: WireContent, tool_calls: z.array(WireToolCall).nullish() }).nullish(),
        finish_reason: z.string().nullish(),
      }),
    )
    .min(1),
  usage: WireUsage.nullish(),
});

/** OpenAI's `{ error: { message } }`; some servers of the family send the message as a string. */
const WireError = z.union([z.string(), z.object({ message: z.string().nullish(), type: z.string().nullish() })]);

/** Kept small on purpose: it is parsed once per streamed frame. */
const WireChunk = z.object({
  choices: z
    .array(
      z.object({
        delta: z.object({ content: WireContent, tool_calls: z.array(WireToolCall).nullish() }).nullish(),
        finish_reason: z.string().nullish(),
      }),
    )
    .nullish(),
  usage: WireUsage.nullish(),
  error: WireError.nullish(),
});
export type OpenAiChunk = z.infer<typeof WireChunk>;

const WireEmbeddings = z.object({
  data: z.array(z.object({ index: z.number().int().nullish(), embedding: z.union([z.array(z.number()), z.string()]) })),
  usage: WireUsage.nullish(),
});

export function fromOpenAiFinish(raw: string | null | undefined): Finish {
  if (raw === null || raw === undefined) return { reason: 'other' };
  switch (raw) {
    case 'stop':
      return { reason: 'stop', raw };
    case 'length':
      return { reason: 'length', raw };
    case 'tool_calls':
    case 'function_call':
      return { reason: 'tool-calls', raw };
    case 'content_filter':
      return { reason: 'filtered', raw };
    default:
      return { reason: 'other', raw };
  }
}

export function fromOpenAiUsage(usage: OpenAiUsage | null | undefined): Usage {
  const cached = usage?.prompt_tokens_details?.cached_tokens;
  return {
    inputTokens: usage?.prompt_tokens ?? null,
    outputTokens: usage?.completion_tokens ?? null,
    estimated: false,
    ...(typeof cached === 'number' && Number.isInteger(cached) && cached >= 0 ? { cachedInputTokens: cached } : {}),
  };
}

/** The message of an in-stream error, trimmed. */
export function describeOpenAiError(error: NonNullable<OpenAiChunk['error']>): string {
  const message = typeof error === 'string' ? error : error.message;
  return typeof message === 'string' && message !== '' ? message.replace(/\s+/g, ' ').trim().slice(0, 300) : 'unknown error';
}

export interface OpenAiCompletion {
  text: string | null;
  toolCalls: ToolCall[];
  finish: Finish;
  usage: Usage;
}

/** A `chat.completion` body. Throws SyntaxError (not JSON) or a zod error (wrong shape). */
export function parseOpenAiCompletion(text: string): OpenAiCompletion {
  const raw: unknown = JSON.parse(text);
  // The usual answer passes a precompiled check and is read as it is; zod parses anything else,
  // so every refusal (and its message) stays zod's.
  return completionOf(isPlainCompletion(raw) ? (raw as WireCompletionBody) : WireCompletion.parse(raw));
}

/** The same through zod alone: the reference the precompiled check is tested against. */
export function parseOpenAiCompletionWithZod(text: string): OpenAiCompletion {
  return completionOf(WireCompletion.parse(JSON.parse(text)));
}

type WireCompletionBody = z.infer<typeof WireCompletion>;

function completionOf(body: WireCompletionBody): OpenAiCompletion {
  // min(1) above: the first choice exists.
  const choice = body.choices[0] as (typeof body.choices)[number];
  const content = choice.message?.content;
  return {
    text: typeof content === 'string' ? content : null,
    toolCalls: (choice.message?.tool_calls ?? []).map((call, i) => ({
      id: call.id ?? `call_${i}`,
      name: call.function?.name ?? '',
      arguments: call.function?.arguments ?? '',
    })),
    finish: fromOpenAiFinish(choice.finish_reason),
    usage: fromOpenAiUsage(body.usage),
  };
}

/**
 * A precompiled check of what `WireCompletion` accepts as it is, for the usual answer: every choice
 * an object whose message (if any) has a string or null content and plain tool calls, a string or
 * null finish reason, usage numbers or null. Unknown fields pass (zod would strip them; nothing
 * reads them). Anything else (a content array, a wrong type, an empty list) goes through zod.
 */
export function isPlainCompletion(body: unknown): boolean {
  if (!isRecord(body)) return false;
  const { choices, usage } = body;
  if (!Array.isArray(choices) || choices.length === 0) return false;
  for (const choice of choices) {
    if (!isRecord(choice)) return false;
    const finish = choice.finish_reason;
    if (finish != null && typeof finish !== 'string') return false;
    const message = choice.message;
    if (message == null) continue;
    if (!isRecord(message)) return false;
    if (message.content != null && typeof message.content !== 'string') return false;
    const calls = message.tool_calls;
    if (calls != null) {
      if (!Array.isArray(calls)) return false;
      for (const call of calls) if (!isPlainToolCall(call)) return false;
    }
  }
  return usage == null || isPlainUsage(usage);
}

function isPlainToolCall(call: unknown): boolean {
  if (!isRecord(call)) return false;
  const { index, id, function: fn } = call;
  if (index != null && !Number.isSafeInteger(index)) return false;
  if (id != null && typeof id !== 'string') return false;
  if (fn == null) return true;
  if (!isRecord(fn)) return false;
  return (fn.name == null || typeof fn.name === 'string') && (fn.arguments == null || typeof fn.arguments === 'string');
}

function isPlainUsage(usage: unknown): boolean {
  if (!isRecord(usage)) return false;
  const { prompt_tokens: prompt, completion_tokens: completion, prompt_tokens_details: details } = usage;
  return (prompt == null || Number.isFinite(prompt)) && (completion == null || Number.isFinite(completion)) && (details == null || isRecord(details));
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** One `chat.completion.chunk` (the `data` of one SSE event). Throws SyntaxError or a zod error. */
export function parseOpenAiChunk(data: string): OpenAiChunk {
  return WireChunk.parse(JSON.parse(data));
}

/**
 * An embeddings list: one vector per input, in input order (rows are sorted by `index`). Throws
 * SyntaxError, a zod error, or WireShapeError (wrong count, base64 that is not float32s).
 */
export function parseOpenAiEmbeddings(text: string, inputs: number): { vectors: Float32Array[]; usage: Usage } {
  const body = WireEmbeddings.parse(JSON.parse(text));
  if (body.data.length !== inputs) throw new WireShapeError(`${body.data.length} embeddings for ${inputs} inputs`);
  const rows = [...body.data].sort((a, b) => (a.index ?? 0) - (b.index ?? 0));
  return { vectors: rows.map((row) => decodeEmbedding(row.embedding)), usage: fromOpenAiUsage(body.usage) };
}

function decodeEmbedding(raw: number[] | string): Float32Array {
  if (typeof raw !== 'string') return Float32Array.from(raw);
  const bytes = Buffer.from(raw, 'base64');
  if (bytes.byteLength % 4 !== 0) throw new WireShapeError('a base64 embedding is not a whole number of float32 values');
  return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
}
