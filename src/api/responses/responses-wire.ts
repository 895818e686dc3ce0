import { z } from 'zod';
import { FlambeauError } from '../../errors/index.js';
import type { ChatMessage, ChatRequest, ContentPart, TextPart, ToolCall, ToolChoice } from '../../providers/spec.js';
import { CHAT_LIMITS } from '../http/chat-request-limits.js';
import { collectionName, MAX_MODEL_NAME_CHARS } from '../http/chat-completions-wire.js';
import { invalidRequestFrom, paramPath } from '../http/zod-issue.js';

/**
 * The OpenAI Responses request, as clients send it. Unlike chat, the body is strict: a Responses
 * field is either translated, accepted because it changes nothing here, or refused by name. There
 * is no passthrough, since no upstream we call speaks Responses.
 */

const toolName = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1-64 letters, digits, _ or -');

const functionTool = z.strictObject({
  type: z.literal('function'),
  name: toolName,
  description: z.string().nullish(),
  parameters: z.record(z.string(), z.unknown()).nullish(),
  strict: z.boolean().nullish(),
});

const toolChoice = z.union([z.enum(['auto', 'none', 'required']), z.strictObject({ type: z.literal('function'), name: toolName })]);

const textFormat = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('text') }),
  z.strictObject({ type: z.literal('json_object') }),
  z.strictObject({
    type: z.literal('json_schema'),
    name: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1-64 letters, digits, _ or -'),
    schema: z.record(z.string(), z.unknown()),
    description: z.string().nullish(),
    strict: z.boolean().nullish(),
  }),
]);

/** Accepted only with the value that means "nothing to do": anything else is a feature we would silently drop. */
const onlyOff = (off: unknown, why: string) =>
  z
    .unknown()
    .refine((v) => v === null || v === off, why)
    .optional();

const known = {
  model: z.string().min(1).max(MAX_MODEL_NAME_CHARS),
  input: z.union([z.string(), z.array(z.unknown()).min(1)]),
  instructions: z.string().nullish(),
  tools: z.array(z.unknown()).max(CHAT_LIMITS.tools).nullish(),
  tool_choice: z.unknown().optional(),
  text: z.strictObject({ format: textFormat.nullish() }).nullish(),
  max_output_tokens: z.number().int().positive().nullish(),
  temperature: z.number().min(0).max(2).nullish(),
  top_p: z.number().min(0).max(1).nullish(),
  parallel_tool_calls: z.boolean().nullish(),
  metadata: z
    .record(z.string().max(64), z.string().max(512))
    .refine((m) => Object.keys(m).length <= 16, 'at most 16 pairs')
    .nullish(),
  stream: z.boolean().nullish(),
  stream_options: z.strictObject({ include_obfuscation: z.boolean().optional() }).nullish(),
  /** Default true, as OpenAI: the response is kept for `responses.retention_days`, for its key only. */
  store: z.boolean().nullish(),
  user: z.string().nullish(),
  safety_identifier: z.string().nullish(),
  /** A cache hint: it changes what OpenAI bills, never the answer. */
  prompt_cache_key: z.string().nullish(),
  service_tier: z.enum(['auto', 'default']).nullish(),
  truncation: z.literal('disabled', "only 'disabled' is supported: flambeau never drops input items").nullish(),
  include: z.array(z.string()).max(0, 'no extra output data is supported').nullish(),
  background: onlyOff(false, 'background responses are not supported'),
  previous_response_id: z.string().min(1).max(128).nullish(),
  conversation: onlyOff(undefined, 'conversations are not supported: send the whole conversation in `input`'),
  prompt: onlyOff(undefined, 'prompt templates are not supported'),
  reasoning: z.strictObject({}, 'reasoning settings are not supported').nullish(),
  max_tool_calls: onlyOff(undefined, 'max_tool_calls is not supported'),
  top_logprobs: onlyOff(0, 'log probabilities are not supported'),
  /** Our extension: `{ knowledge: ["notes"] }` names the collections to retrieve from. */
  flambeau: z.strictObject({ knowledge: z.array(collectionName).max(32).optional() }).optional(),
};

const responsesBody = z.strictObject(known);
export type ResponsesBody = z.infer<typeof responsesBody>;

// Input items. Items copied back from an earlier `response.output` carry `id` and `status`: accepted.
const inputText = z.strictObject({ type: z.literal('input_text'), text: z.string() });
const inputImage = z.strictObject({
  type: z.literal('input_image'),
  image_url: z.string().min(1, 'only images given by URL are supported'),
  detail: z.enum(['auto', 'low', 'high']).optional(),
});
const outputText = z.looseObject({ type: z.literal('output_text'), text: z.string() });
const refusal = z.strictObject({ type: z.literal('refusal'), refusal: z.string() });

const messageItem = z.strictObject({
  type: z.literal('message').optional(),
  id: z.string().optional(),
  status: z.string().optional(),
  role: z.enum(['user', 'system', 'developer', 'assistant']),
  content: z.union([z.string(), z.array(z.discriminatedUnion('type', [inputText, inputImage, outputText, refusal])).max(CHAT_LIMITS.contentParts)]),
});
const functionCallItem = z.strictObject({
  type: z.literal('function_call'),
  id: z.string().optional(),
  status: z.string().optional(),
  call_id: z.string().min(1),
  name: toolName,
  arguments: z.string(),
});
const functionCallOutputItem = z.strictObject({
  type: z.literal('function_call_output'),
  id: z.string().nullish(),
  status: z.string().nullish(),
  call_id: z.string().min(1),
  output: z.union([z.string(), z.array(inputText)]),
});

type Item =
  | { kind: 'message'; item: z.infer<typeof messageItem> }
  | { kind: 'call'; item: z.infer<typeof functionCallItem> }
  | { kind: 'output'; item: z.infer<typeof functionCallOutputItem> };

/** Reads what an earlier stored response of the same key holds (undefined: none, or not this key's). */
export interface StoredLookup {
  /** The conversation a response continues: its input items, then its output items. */
  conversation(responseId: string): unknown[] | undefined;
  /** One output item of a stored response, by the item's id (`item_reference`). */
  item(itemId: string): unknown;
}

export interface ParsedResponses {
  request: ChatRequest;
  /** The whole conversation as input items, earlier turns first: what a stored response keeps. */
  items: unknown[];
  stream: boolean;
  knowledge: string[];
  /** The body as checked: the response object echoes its settings. */
  body: ResponsesBody;
  /** The function tools as the client sent them (echoed in the response). */
  tools: z.infer<typeof functionTool>[];
}

/** Parses and validates a body; throws `invalid_request` naming the first bad or unsupported field. */
export function parseResponsesBody(raw: unknown, stored: StoredLookup): ParsedResponses {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new FlambeauError('invalid_request', 'The request body must be a JSON object.');
  const input = (raw as { input?: unknown }).input;
  if (Array.isArray(input) && input.length > CHAT_LIMITS.messages) {
    throw new FlambeauError('invalid_request', `Invalid 'input': array too long. Expected an array with maximum length ${CHAT_LIMITS.messages}.`, {
      param: 'input',
    });
  }
  const body = check(responsesBody, raw, []);
  const tools = (body.tools ?? []).map((t, i) => check(functionTool, t, ['tools', i], toolTypeRefusal));
  const messages: ChatMessage[] = [];
  if (body.instructions != null && body.instructions !== '') messages.push({ role: 'system', content: body.instructions });
  const earlier = body.previous_response_id == null ? [] : stored.conversation(body.previous_response_id);
  if (earlier === undefined) {
    throw new FlambeauError(
      'invalid_request',
      `Invalid value for 'previous_response_id': no stored response has the id ${JSON.stringify(body.previous_response_id)}.`,
      {
        param: 'previous_response_id',
      },
    );
  }
  const given = typeof body.input === 'string' ? [{ role: 'user', content: body.input }] : body.input.map((item, i) => dereference(item, i, stored));
  // Earlier turns are checked again: they were valid when stored, and are parsed the same way.
  const items = [...earlier, ...given];
  messages.push(...toMessages(items.map((item, i) => toItem(item, i - earlier.length))));

  const request: ChatRequest = { model: body.model, messages };
  if (body.max_output_tokens != null) request.maxTokens = body.max_output_tokens;
  if (body.temperature != null) request.temperature = body.temperature;
  if (body.top_p != null) request.topP = body.top_p;
  const user = body.user ?? body.safety_identifier;
  if (user != null) request.user = user;
  if (tools.length > 0) {
    request.tools = tools.map((t) => ({
      name: t.name,
      ...(t.description == null ? {} : { description: t.description }),
      ...(t.parameters == null ? {} : { parameters: t.parameters }),
      ...(t.strict == null ? {} : { strict: t.strict }),
    }));
  }
  if (body.tool_choice != null) request.toolChoice = toToolChoice(body.tool_choice, request);
  if (body.parallel_tool_calls != null) request.parallelToolCalls = body.parallel_tool_calls;
  const format = body.text?.format;
  if (format != null && format.type === 'json_schema') {
    request.responseFormat = {
      type: 'json_schema',
      name: format.name,
      schema: format.schema,
      ...(format.strict == null ? {} : { strict: format.strict }),
      ...(format.description == null ? {} : { description: format.description }),
    };
  } else if (format != null) request.responseFormat = { type: format.type };
  return { request, items, stream: body.stream === true, knowledge: [...(body.flambeau?.knowledge ?? [])], body, tools };
}

/** Parses `value` with `schema`; a failure is a 400 naming the field under `at`. */
function check<T extends z.ZodType>(
  schema: T,
  value: unknown,
  at: (string | number)[],
  refuse?: (value: unknown, at: (string | number)[]) => void,
): z.infer<T> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  refuse?.(value, at);
  throw invalidAt(parsed.error, at);
}

/** The first zod issue as a 400 naming the field; an unknown key is named itself, as OpenAI does. */
function invalidAt(error: z.ZodError, at: (string | number)[]): FlambeauError {
  const issue = innermost(error.issues[0], []);
  if (issue?.code === 'unrecognized_keys') {
    const param = paramPath([...at, ...issue.path, issue.keys[0] ?? '']);
    return new FlambeauError('invalid_request', `Unrecognized request argument supplied: ${param.slice(0, 128)}.`, { param: param.slice(0, 128) });
  }
  if (issue === undefined) return invalidRequestFrom(error);
  const param = paramPath([...at, ...issue.path]);
  if (param === '') return invalidRequestFrom(error);
  return new FlambeauError('invalid_request', `Invalid value for '${param}': ${issue.message}.`, { param });
}

/**
 * A union's issue points at the union (`input[0].content`); the field at fault is inside the
 * option the value was closest to: the first whose issue is not a plain type mismatch at its
 * root. A discriminated union with no matching option already names its discriminator.
 */
function innermost(issue: z.core.$ZodIssue | undefined, prefix: PropertyKey[]): z.core.$ZodIssue | undefined {
  if (issue === undefined) return undefined;
  const path = [...prefix, ...issue.path];
  if (issue.code !== 'invalid_union') return { ...issue, path };
  if (issue.errors.length === 0) return { ...issue, path, message: 'no supported type has this value' };
  const closest = issue.errors.find((list) => list[0] !== undefined && (list[0].path.length > 0 || list[0].code !== 'invalid_type'))?.[0];
  return closest === undefined ? { ...issue, path } : innermost(closest, path);
}

/** Built-in tools (web search, file search, computer use...) run on OpenAI's side: we have none. */
function toolTypeRefusal(value: unknown, at: (string | number)[]): void {
  const type = (value as { type?: unknown } | null)?.type;
  if (typeof type === 'string' && type !== 'function') {
    const param = `tools[${at[1] as number}].type`;
    throw new FlambeauError(
      'invalid_request',
      `Invalid value for '${param}': the built-in tool '${type.slice(0, 64)}' is not supported; only function tools are.`,
      { param },
    );
  }
}

/** An `item_reference` becomes the stored item it names; anything else is kept as sent. */
function dereference(raw: unknown, i: number, stored: StoredLookup): unknown {
  const ref = raw as { type?: unknown; id?: unknown } | null;
  if (ref?.type !== 'item_reference') return raw;
  const found = typeof ref.id === 'string' ? stored.item(ref.id) : undefined;
  if (found !== undefined) return found;
  const param = `input[${i}].id`;
  throw new FlambeauError('invalid_request', `Invalid value for '${param}': no stored item has this id.`, { param });
}

function toItem(raw: unknown, i: number): Item {
  const type = (raw as { type?: unknown } | null)?.type;
  if (type === undefined || type === 'message') return { kind: 'message', item: check(messageItem, raw, ['input', i]) };
  if (type === 'function_call') return { kind: 'call', item: check(functionCallItem, raw, ['input', i]) };
  if (type === 'function_call_output') return { kind: 'output', item: check(functionCallOutputItem, raw, ['input', i]) };
  const param = `input[${i}].type`;
  const why = 'only message, function_call, function_call_output and item_reference items are supported';
  throw new FlambeauError('invalid_request', `Invalid value for '${param}': ${why}.`, { param });
}

/** Items to our messages: an assistant message and the function calls after it make one assistant turn. */
function toMessages(items: Item[]): ChatMessage[] {
  const out: ChatMessage[] = [];
  const callIds = new Set<string>();
  let turn: { role: 'assistant'; content: string | TextPart[] | null; toolCalls?: ToolCall[] } | null = null;
  for (const [i, entry] of items.entries()) {
    if (entry.kind === 'call') {
      const { call_id: id, name, arguments: args } = entry.item;
      if (turn === null) out.push((turn = { role: 'assistant', content: null }));
      (turn.toolCalls ??= []).push({ id, name, arguments: args });
      callIds.add(id);
      continue;
    }
    turn = null;
    if (entry.kind === 'output') {
      const { call_id: id, output } = entry.item;
      if (!callIds.has(id)) {
        const param = `input[${i}].call_id`;
        throw new FlambeauError(
          'invalid_request',
          `Invalid value for '${param}': no earlier function_call item has the call_id ${JSON.stringify(id.slice(0, 64))}.`,
          {
            param,
          },
        );
      }
      out.push({ role: 'tool', toolCallId: id, content: typeof output === 'string' ? output : output.map((p) => ({ type: 'text', text: p.text })) });
      continue;
    }
    const { role, content } = entry.item;
    if (role === 'assistant') {
      const text = typeof content === 'string' ? content : content.map((p, j) => assistantText(p, i, j));
      out.push((turn = { role: 'assistant', content: text }));
    } else if (role === 'user') {
      out.push({ role: 'user', content: typeof content === 'string' ? content : content.map((p, j) => userPart(p, i, j)) });
    } else {
      out.push({ role: 'system', content: typeof content === 'string' ? content : content.map((p, j) => textOnly(p, i, j, 'a system message')) });
    }
  }
  return out;
}

type WirePart = Exclude<z.infer<typeof messageItem>['content'], string>[number];

function userPart(part: WirePart, i: number, j: number): ContentPart {
  if (part.type === 'input_image') return { type: 'image', url: part.image_url, ...(part.detail === undefined ? {} : { detail: part.detail }) };
  return textOnly(part, i, j, 'a user message');
}

function assistantText(part: WirePart, i: number, j: number): TextPart {
  if (part.type === 'refusal') return { type: 'text', text: part.refusal };
  return textOnly(part, i, j, 'an assistant message');
}

function textOnly(part: WirePart, i: number, j: number, where: string): TextPart {
  if (part.type === 'input_text' || part.type === 'output_text') return { type: 'text', text: part.text };
  const param = `input[${i}].content[${j}].type`;
  throw new FlambeauError('invalid_request', `Invalid value for '${param}': ${where} cannot hold '${part.type}'.`, { param });
}

function toToolChoice(raw: unknown, request: ChatRequest): ToolChoice {
  const parsed = toolChoice.safeParse(raw);
  if (!parsed.success) {
    throw new FlambeauError('invalid_request', "Invalid value for 'tool_choice': only 'auto', 'none', 'required' or a function tool are supported.", {
      param: 'tool_choice',
    });
  }
  const choice = parsed.data;
  if (typeof choice === 'string') {
    if (choice === 'required' && request.tools === undefined)
      throw new FlambeauError('invalid_request', "Invalid value for 'tool_choice': 'required' needs 'tools'.", { param: 'tool_choice' });
    return choice;
  }
  if (request.tools?.some((t) => t.name === choice.name) !== true) {
    throw new FlambeauError('invalid_request', `Invalid value for 'tool_choice': no tool named ${choice.name} in 'tools'.`, { param: 'tool_choice' });
  }
  return { name: choice.name };
}
