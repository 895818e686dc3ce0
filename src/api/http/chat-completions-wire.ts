import { z } from 'zod';
import { FlambeauError } from '../../errors/index.js';
import type { ChatMessage, ChatRequest, ContentPart, TextPart, ToolChoice } from '../../providers/spec.js';
import { checkChatCounts } from './chat-request-limits.js';
import { invalidRequestFrom } from './zod-issue.js';
import { isCollectionName } from '../../gateway/index.js';

/** The OpenAI Chat Completions request, as clients send it. Unknown top-level fields are kept as passthrough. */
const textPart = z.strictObject({ type: z.literal('text'), text: z.string() });
const imagePart = z.strictObject({
  type: z.literal('image_url'),
  image_url: z.strictObject({ url: z.string().min(1), detail: z.enum(['auto', 'low', 'high']).optional() }),
});
const userPart = z.discriminatedUnion('type', [textPart, imagePart]);
const textContent = z.union([z.string(), z.array(textPart)]);

const toolCall = z.object({
  id: z.string().min(1),
  type: z.literal('function'),
  function: z.object({ name: z.string().min(1), arguments: z.string() }),
});

const message = z.discriminatedUnion('role', [
  z.object({ role: z.literal('system'), content: textContent, name: z.string().optional() }),
  z.object({ role: z.literal('developer'), content: textContent, name: z.string().optional() }),
  z.object({ role: z.literal('user'), content: z.union([z.string(), z.array(userPart)]), name: z.string().optional() }),
  z.object({
    role: z.literal('assistant'),
    content: textContent.nullish(),
    name: z.string().optional(),
    tool_calls: z.array(toolCall).optional(),
    refusal: z.string().nullish(),
  }),
  z.object({ role: z.literal('tool'), content: textContent, tool_call_id: z.string().min(1) }),
]);

const toolName = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1-64 letters, digits, _ or -');

const tool = z.object({
  type: z.literal('function'),
  function: z.object({
    name: toolName,
    description: z.string().optional(),
    parameters: z.record(z.string(), z.unknown()).optional(),
    strict: z.boolean().nullish(),
  }),
});

const toolChoice = z.union([z.enum(['auto', 'none', 'required']), z.object({ type: z.literal('function'), function: z.object({ name: toolName }) })]);

const responseFormat = z.discriminatedUnion('type', [
  z.object({ type: z.literal('text') }),
  z.object({ type: z.literal('json_object') }),
  z.object({
    type: z.literal('json_schema'),
    json_schema: z.object({
      name: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1-64 letters, digits, _ or -'),
      description: z.string().optional(),
      schema: z.record(z.string(), z.unknown()).optional(),
      strict: z.boolean().nullish(),
    }),
  }),
]);

/** The rule of `flambeau ingest --collection` and `rag:NAME/MODEL`: one rule, so a name that ingests can be asked for. */
export const collectionName = z.string().refine(isCollectionName, 'a collection name is 1-64 letters, digits, "_", "-" or ".", not starting with "."');

/** Longest model name accepted: names are stored in usage, request log and audit (issue 11 item 4). */
export const MAX_MODEL_NAME_CHARS = 256;

const known = {
  model: z.string().min(1).max(MAX_MODEL_NAME_CHARS),
  messages: z.array(message).min(1),
  stream: z.boolean().nullish(),
  stream_options: z.object({ include_usage: z.boolean().optional() }).nullish(),
  max_tokens: z.number().int().positive().nullish(),
  max_completion_tokens: z.number().int().positive().nullish(),
  temperature: z.number().min(0).max(2).nullish(),
  top_p: z.number().min(0).max(1).nullish(),
  n: z.number().int().min(1).max(1, 'only n=1 is supported').nullish(),
  stop: z.union([z.string(), z.array(z.string()).max(4)]).nullish(),
  seed: z.number().int().nullish(),
  presence_penalty: z.number().min(-2).max(2).nullish(),
  frequency_penalty: z.number().min(-2).max(2).nullish(),
  tools: z.array(tool).max(128).optional(),
  tool_choice: toolChoice.optional(),
  parallel_tool_calls: z.boolean().nullish(),
  response_format: responseFormat.optional(),
  user: z.string().optional(),
  /** Our extension: `{ knowledge: ["notes"] }` names the collections to retrieve from. */
  flambeau: z.strictObject({ knowledge: z.array(collectionName).max(32).optional() }).optional(),
};

const chatBody = z.looseObject(known);
export type ChatBody = z.infer<typeof chatBody>;

export interface ParsedChat {
  request: ChatRequest;
  stream: boolean;
  includeUsage: boolean;
  /** Collections to retrieve from (`flambeau.knowledge`; the gateway adds those of a `rag:` model name). */
  knowledge: string[];
}

/** Parses and validates a body; throws `invalid_request` naming the first bad field. */
export function parseChatBody(raw: unknown): ParsedChat {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new FlambeauError('invalid_request', 'The request body must be a JSON object.');
  }
  checkChatCounts(raw as Record<string, unknown>);
  let body: ChatBody;
  if (isPlainChat(raw as Record<string, unknown>)) body = raw as ChatBody;
  else {
    const parsed = chatBody.safeParse(raw);
    if (!parsed.success) throw invalidRequestFrom(parsed.error);
    body = parsed.data;
  }
  const toolIds = new Set<string>();
  const messages = body.messages.map((m, i) => toMessage(m, i, toolIds));
  const request: ChatRequest = { model: body.model, messages };
  const maxTokens = body.max_completion_tokens ?? body.max_tokens;
  if (maxTokens != null) request.maxTokens = maxTokens;
  if (body.temperature != null) request.temperature = body.temperature;
  if (body.top_p != null) request.topP = body.top_p;
  if (body.stop != null) request.stop = typeof body.stop === 'string' ? [body.stop] : body.stop;
  if (body.seed != null) request.seed = body.seed;
  if (body.presence_penalty != null) request.presencePenalty = body.presence_penalty;
  if (body.frequency_penalty != null) request.frequencyPenalty = body.frequency_penalty;
  if (body.user !== undefined) request.user = body.user;
  if (body.tools !== undefined && body.tools.length > 0) {
    request.tools = body.tools.map((t) => ({
      name: t.function.name,
      ...(t.function.description === undefined ? {} : { description: t.function.description }),
      ...(t.function.parameters === undefined ? {} : { parameters: t.function.parameters }),
      ...(t.function.strict == null ? {} : { strict: t.function.strict }),
    }));
  }
  if (body.tool_choice !== undefined) request.toolChoice = toToolChoice(body.tool_choice, request);
  if (body.parallel_tool_calls != null) request.parallelToolCalls = body.parallel_tool_calls;
  if (body.response_format !== undefined) {
    const format = body.response_format;
    if (format.type === 'json_schema') {
      request.responseFormat = {
        type: 'json_schema',
        name: format.json_schema.name,
        schema: format.json_schema.schema ?? { type: 'object' },
        ...(format.json_schema.strict == null ? {} : { strict: format.json_schema.strict }),
        ...(format.json_schema.description === undefined ? {} : { description: format.json_schema.description }),
      };
    } else request.responseFormat = { type: format.type };
  }
  const passthrough: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(body)) if (!(key in known)) passthrough[key] = value;
  if (Object.keys(passthrough).length > 0) request.passthrough = passthrough;
  // `rag:COLLECTIONS/MODEL` names are read by the gateway, for every inbound protocol.
  const knowledge = [...(body.flambeau?.knowledge ?? [])];
  return { request, stream: body.stream === true, includeUsage: body.stream_options?.include_usage === true, knowledge };
}

/**
 * A precompiled check of the common body (string contents, the usual sampling fields), which zod
 * would accept as it is: such a body skips zod's parse and copy. Anything else (another field, a
 * part array, a value out of range) goes through zod, so a refused body's message stays zod's.
 */
function isPlainChat(body: Record<string, unknown>): boolean {
  for (const key in body) {
    const value = body[key];
    switch (key) {
      case 'model':
        if (typeof value !== 'string' || value.length === 0 || value.length > MAX_MODEL_NAME_CHARS) return false;
        break;
      case 'messages':
        if (!Array.isArray(value) || value.length === 0) return false;
        for (const m of value) if (!isPlainMessage(m)) return false;
        break;
      case 'stream':
        if (value !== null && typeof value !== 'boolean') return false;
        break;
      case 'max_tokens':
      case 'max_completion_tokens':
        if (value !== null && !(Number.isSafeInteger(value) && (value as number) > 0)) return false;
        break;
      case 'temperature':
        if (value !== null && !(typeof value === 'number' && value >= 0 && value <= 2)) return false;
        break;
      case 'top_p':
        if (value !== null && !(typeof value === 'number' && value >= 0 && value <= 1)) return false;
        break;
      case 'user':
        if (typeof value !== 'string') return false;
        break;
      default:
        return false;
    }
  }
  return typeof body.model === 'string' && Array.isArray(body.messages);
}

/** `{ role, content }` with a string content, of a role that needs nothing else. */
function isPlainMessage(m: unknown): boolean {
  if (m === null || typeof m !== 'object' || Array.isArray(m)) return false;
  let keys = 0;
  for (const key in m) {
    if (key !== 'role' && key !== 'content') return false;
    keys++;
  }
  const { role, content } = m as { role?: unknown; content?: unknown };
  return (
    keys === 2 && typeof content === 'string' && (role === 'user' || role === 'system' || role === 'developer' || (role === 'assistant' && content !== ''))
  );
}

type WireMessage = ChatBody['messages'][number];

function toMessage(m: WireMessage, index: number, toolIds: Set<string>): ChatMessage {
  switch (m.role) {
    case 'system':
    case 'developer':
      return { role: 'system', content: m.content, ...(m.name === undefined ? {} : { name: m.name }) };
    case 'user':
      return {
        role: 'user',
        content: typeof m.content === 'string' ? m.content : m.content.map(toPart),
        ...(m.name === undefined ? {} : { name: m.name }),
      };
    case 'assistant': {
      const calls = m.tool_calls?.map((c) => ({ id: c.id, name: c.function.name, arguments: c.function.arguments }));
      for (const call of calls ?? []) toolIds.add(call.id);
      if ((m.content == null || m.content === '') && (calls === undefined || calls.length === 0) && m.refusal == null) {
        throw new FlambeauError('invalid_request', `Invalid value for 'messages[${index}]': an assistant message needs content or tool_calls.`, {
          param: `messages[${index}]`,
        });
      }
      return {
        role: 'assistant',
        content: (m.content ?? m.refusal ?? null) as string | TextPart[] | null,
        ...(calls === undefined || calls.length === 0 ? {} : { toolCalls: calls }),
        ...(m.name === undefined ? {} : { name: m.name }),
      };
    }
    case 'tool':
      if (!toolIds.has(m.tool_call_id)) {
        throw new FlambeauError(
          'invalid_request',
          `Invalid value for 'messages[${index}].tool_call_id': no earlier assistant tool call has the id ${JSON.stringify(m.tool_call_id.slice(0, 64))}.`,
          { param: `messages[${index}].tool_call_id` },
        );
      }
      return { role: 'tool', toolCallId: m.tool_call_id, content: m.content };
  }
}

function toPart(part: z.infer<typeof userPart>): ContentPart {
  if (part.type === 'text') return { type: 'text', text: part.text };
  return { type: 'image', url: part.image_url.url, ...(part.image_url.detail === undefined ? {} : { detail: part.image_url.detail }) };
}

function toToolChoice(choice: z.infer<typeof toolChoice>, request: ChatRequest): ToolChoice {
  if (typeof choice === 'string') {
    if (choice === 'required' && request.tools === undefined)
      throw new FlambeauError('invalid_request', "Invalid value for 'tool_choice': 'required' needs 'tools'.", { param: 'tool_choice' });
    return choice;
  }
  const name = choice.function.name;
  if (request.tools?.some((t) => t.name === name) !== true) {
    throw new FlambeauError('invalid_request', `Invalid value for 'tool_choice': no tool named ${name} in 'tools'.`, { param: 'tool_choice' });
  }
  return { name };
}
