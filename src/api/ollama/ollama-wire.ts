import { z } from 'zod';
import { FlambeauError } from '../../errors/index.js';
import type { ChatMessage, ChatRequest, ContentPart, ResponseFormat, ToolCall, Warning } from '../../providers/spec.js';
import { MAX_MODEL_NAME_CHARS } from '../http/chat-completions-wire.js';
import { invalidRequestFrom } from '../http/zod-issue.js';
import { imageDataUrl } from './ollama-images.js';

/**
 * The Ollama API's request bodies (docs.ollama.com/api), as the `ollama` clients send them. Every
 * field Ollama defines is named here: those we map, those we accept and report as not applied
 * (`x-flambeau-warnings`), and those we refuse with a 400 naming them. Anything else is a 400 too:
 * a field is never silently dropped.
 */
const modelName = z.string().min(1).max(MAX_MODEL_NAME_CHARS);
const keepAlive = z.union([z.string(), z.number()]).nullish();

/** Options we carry onto our ChatRequest. */
const mapped = {
  temperature: z.number().min(0).max(2),
  top_p: z.number().min(0).max(1),
  seed: z.number().int(),
  num_predict: z.number().int(),
  stop: z.array(z.string()).max(16),
  presence_penalty: z.number().min(-2).max(2),
  frequency_penalty: z.number().min(-2).max(2),
};
/** Ollama's other options: accepted, reported as not applied (the target's server or engine settings decide them). */
const NOT_APPLIED_OPTIONS = [
  'num_ctx',
  'num_keep',
  'num_batch',
  'num_gpu',
  'main_gpu',
  'num_thread',
  'numa',
  'low_vram',
  'f16_kv',
  'logits_all',
  'vocab_only',
  'use_mmap',
  'use_mlock',
  'embedding_only',
  'top_k',
  'min_p',
  'tfs_z',
  'typical_p',
  'repeat_last_n',
  'repeat_penalty',
  'mirostat',
  'mirostat_tau',
  'mirostat_eta',
  'penalize_newline',
] as const;
const options = z
  .strictObject({
    ...Object.fromEntries(Object.entries(mapped).map(([k, v]) => [k, v.nullish()])),
    ...Object.fromEntries(NOT_APPLIED_OPTIONS.map((k) => [k, z.unknown().optional()])),
  })
  .nullish();
type Options = { [K in keyof typeof mapped]?: z.infer<(typeof mapped)[K]> | null } & Record<string, unknown>;

const toolCall = z.object({
  id: z.string().min(1).optional(),
  function: z.object({ index: z.number().int().optional(), name: z.string().min(1), arguments: z.record(z.string(), z.unknown()) }),
});
const message = z.strictObject({
  role: z.enum(['system', 'user', 'assistant', 'tool']),
  content: z.string().nullish(),
  images: z.array(z.string()).nullish(),
  tool_calls: z.array(toolCall).nullish(),
  tool_name: z.string().nullish(),
  tool_call_id: z.string().nullish(),
  thinking: z.string().nullish(),
});
const tool = z.object({
  type: z.literal('function'),
  function: z.object({
    name: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1-64 letters, digits, _ or -'),
    description: z.string().optional(),
    parameters: z.record(z.string(), z.unknown()).optional(),
  }),
});
const format = z.union([z.string(), z.record(z.string(), z.unknown())]).nullish();
const think = z.union([z.boolean(), z.enum(['high', 'medium', 'low'])]).nullish();

const chatBody = z.strictObject({
  model: modelName,
  messages: z.array(message).max(4096).nullish(),
  stream: z.boolean().nullish(),
  format,
  keep_alive: keepAlive,
  tools: z.array(tool).max(128).nullish(),
  think,
  logprobs: z.boolean().nullish(),
  top_logprobs: z.number().int().nullish(),
  options,
});

const generateBody = z.strictObject({
  model: modelName,
  prompt: z.string().nullish(),
  suffix: z.string().nullish(),
  system: z.string().nullish(),
  template: z.string().nullish(),
  context: z.array(z.number()).nullish(),
  stream: z.boolean().nullish(),
  raw: z.boolean().nullish(),
  format,
  images: z.array(z.string()).nullish(),
  keep_alive: keepAlive,
  think,
  logprobs: z.boolean().nullish(),
  top_logprobs: z.number().int().nullish(),
  options,
});

export const embedBody = z.strictObject({
  model: modelName,
  input: z.union([z.string().min(1), z.array(z.string().min(1)).min(1).max(2048)], { error: 'must be a non-empty string or an array of them' }),
  truncate: z.boolean().nullish(),
  dimensions: z.number().int().positive().nullish(),
  keep_alive: keepAlive,
  options,
});

export const embeddingsBody = z.strictObject({ model: modelName, prompt: z.string().min(1), keep_alive: keepAlive, options });

export const showBody = z.strictObject({
  model: modelName.optional(),
  /** The older name of `model`. */
  name: modelName.optional(),
  verbose: z.boolean().nullish(),
  system: z.string().nullish(),
  template: z.string().nullish(),
  options,
});

/** A chat or generate call as the spine takes it, plus what the answer must say. */
export interface ParsedOllamaChat {
  request: ChatRequest;
  /** Ollama streams unless told not to. */
  stream: boolean;
  /** Settings accepted but not applied: reported in `x-flambeau-warnings`. */
  warnings: Warning[];
}

/** Parses a body with `schema`: 400 naming the first bad field (an unknown one included). */
export function parseOllamaBody<T extends z.ZodType>(raw: unknown, schema: T): z.infer<T> {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new FlambeauError('invalid_request', 'The request body must be a JSON object.');
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw invalidRequestFrom(parsed.error);
  return parsed.data;
}

/** POST /api/chat. */
export function parseOllamaChat(raw: unknown): ParsedOllamaChat {
  const body = parseOllamaBody(raw, chatBody);
  refuseUnsupported(body);
  const messages = toMessages(body.messages ?? []);
  if (messages.length === 0) throw new FlambeauError('invalid_request', "Invalid value for 'messages': at least one message is needed.", { param: 'messages' });
  const request: ChatRequest = { model: body.model, messages };
  if (body.tools != null && body.tools.length > 0) {
    request.tools = body.tools.map((t) => ({
      name: t.function.name,
      ...(t.function.description === undefined ? {} : { description: t.function.description }),
      ...(t.function.parameters === undefined ? {} : { parameters: t.function.parameters }),
    }));
  }
  return finish(request, body);
}

/** POST /api/generate with a prompt: one user turn (after `system`); `raw` sends the prompt alone. */
export function parseOllamaGenerate(raw: unknown): ParsedOllamaChat & { empty: boolean } {
  const body = parseOllamaBody(raw, generateBody);
  refuseUnsupported(body);
  for (const field of ['suffix', 'template'] as const) if (body[field] != null && body[field] !== '') throw unsupported(field, 'is not supported');
  if (body.context != null && body.context.length > 0) throw unsupported('context', 'is not supported (send the conversation to /api/chat instead)');
  const prompt = body.prompt ?? '';
  const images = (body.images ?? []).map((image, i) => ({ type: 'image' as const, url: imageDataUrl(image, `images[${i}]`) }));
  const user: ChatMessage = { role: 'user', content: images.length === 0 ? prompt : [{ type: 'text', text: prompt }, ...images] };
  const messages: ChatMessage[] = body.raw === true || body.system == null || body.system === '' ? [user] : [{ role: 'system', content: body.system }, user];
  const parsed = finish({ model: body.model, messages }, body);
  // No template is ours to skip: the prompt goes as the only user turn, through the target's template.
  if (body.raw === true) parsed.warnings.push({ kind: 'approximated', setting: 'raw' });
  return { ...parsed, empty: prompt === '' && images.length === 0 };
}

type Common = { stream?: boolean | null; format?: string | Record<string, unknown> | null; keep_alive?: unknown; options?: Options | null };

function finish(request: ChatRequest, body: Common): ParsedOllamaChat {
  const warnings: Warning[] = [];
  const o = (body.options ?? {}) as Options;
  if (o.temperature != null) request.temperature = o.temperature;
  if (o.top_p != null) request.topP = o.top_p;
  if (o.seed != null) request.seed = o.seed;
  // Ollama's -1 (no limit) and -2 (fill the context) both leave the limit to the target.
  if (o.num_predict != null && o.num_predict > 0) request.maxTokens = o.num_predict;
  if (o.stop != null && o.stop.length > 0) request.stop = o.stop;
  if (o.presence_penalty != null) request.presencePenalty = o.presence_penalty;
  if (o.frequency_penalty != null) request.frequencyPenalty = o.frequency_penalty;
  for (const key of NOT_APPLIED_OPTIONS) if (o[key] != null) warnings.push({ kind: 'unsupported', setting: `options.${key}` });
  if (body.keep_alive != null) warnings.push({ kind: 'unsupported', setting: 'keep_alive' });
  const responseFormat = toFormat(body.format);
  if (responseFormat !== undefined) request.responseFormat = responseFormat;
  return { request, stream: body.stream !== false, warnings };
}

function toFormat(format: Common['format']): ResponseFormat | undefined {
  if (format == null || format === '') return undefined;
  if (format === 'json') return { type: 'json_object' };
  if (typeof format === 'string') throw unsupported('format', 'must be "json" or a JSON schema object');
  return { type: 'json_schema', name: 'response', schema: format };
}

function refuseUnsupported(body: { think?: unknown; logprobs?: boolean | null; top_logprobs?: number | null }): void {
  if (body.think != null && body.think !== false) throw unsupported('think', 'is not supported (thinking output is not translated yet)');
  if (body.logprobs === true) throw unsupported('logprobs', 'is not supported');
  if (body.top_logprobs != null && body.top_logprobs > 0) throw unsupported('top_logprobs', 'is not supported');
}

function unsupported(param: string, what: string): FlambeauError {
  return new FlambeauError('unsupported_parameter', `'${param}' ${what}.`, { param });
}

type WireMessage = z.infer<typeof message>;

/**
 * Ollama's tool calls may come without ids, and its tool results name the tool (`tool_name`)
 * rather than the call: each result answers the earliest unanswered call of that name.
 */
function toMessages(wire: WireMessage[]): ChatMessage[] {
  const unanswered: ToolCall[] = [];
  return wire.map((m, i): ChatMessage => {
    const content = m.content ?? '';
    switch (m.role) {
      case 'system':
        return { role: 'system', content };
      case 'user': {
        const images = (m.images ?? []).map((image, j): ContentPart => ({ type: 'image', url: imageDataUrl(image, `messages[${i}].images[${j}]`) }));
        return { role: 'user', content: images.length === 0 ? content : [{ type: 'text', text: content }, ...images] };
      }
      case 'assistant': {
        const calls = (m.tool_calls ?? []).map((c, j) => ({
          id: c.id ?? `call_${i}_${j}`,
          name: c.function.name,
          arguments: JSON.stringify(c.function.arguments),
        }));
        unanswered.push(...calls);
        return { role: 'assistant', content: content === '' && calls.length > 0 ? null : content, ...(calls.length === 0 ? {} : { toolCalls: calls }) };
      }
      case 'tool': {
        const at = unanswered.findIndex((c) => (m.tool_call_id != null ? c.id === m.tool_call_id : m.tool_name == null || c.name === m.tool_name));
        const answered = at === -1 ? undefined : unanswered.splice(at, 1)[0];
        if (answered === undefined) {
          throw new FlambeauError('invalid_request', `Invalid value for 'messages[${i}]': no earlier assistant tool call is left for this tool result.`, {
            param: `messages[${i}]`,
          });
        }
        return { role: 'tool', toolCallId: answered.id, content };
      }
    }
  });
}
