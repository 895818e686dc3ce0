import { FlambeauError } from '../errors/index.js';
import type { ChatMessage, ChatRequest, ContentPart, ImagePart, ResponseFormat, TextPart, ToolCall, ToolChoice, ToolSpec } from '../providers/spec.js';

/**
 * Egress is default-deny: every string of a ChatRequest that a provider serialises is visited
 * here, with a kind that says how the privacy guard may treat it. The tables below are typed over
 * the request's own fields (`Record<keyof …>` and the `AllFields` checks), so a field added
 * to ChatRequest, a message, a tool or a response format does not compile until it has a rule.
 *
 * - `text`     free text: scanned, values replaced by `<TYPE_n>` placeholders;
 * - `label`    a message author's name: scanned, values replaced by the bare key `TYPE_n`
 *              (upstreams accept only `[A-Za-z0-9_-]` there); nothing to restore;
 * - `name`     a tool or schema name the model answers with: scanned; personal data there
 *              cannot be replaced (the model would call a tool that does not exist): refused;
 * - `ref`      a tool-call id (an opaque reference): scanned; one with personal data is
 *              replaced as a whole by a neutral id, the same everywhere in the request;
 * - `url`      an image URL: scanned decoded (query string, `data:` text); refused when it
 *              carries personal data, since the upstream fetches or decodes it as it is.
 * JSON (tool-call arguments, tool parameters, schemas, passthrough values) is walked value by
 * value, keys included, as `text`: the rewrite keeps it valid JSON.
 */
export type StringKind = 'text' | 'label' | 'name' | 'ref' | 'url';

/** Where a string sits, in OpenAI wire terms (`messages[2].content[0].text`), for refusals. */
export type FieldPath = string;

/** Where the string sits among the request's messages: adjacent message texts are also scanned across their edge. */
export interface Visit {
  kind: StringKind;
  path: FieldPath;
  /** True for message contents (strings and text parts): these are scanned across their seams. */
  seam: boolean;
  /** The top-level passthrough field this string belongs to, if any. */
  passthrough: string | undefined;
}

/** Returns the string to send in place of `text`. Called in one fixed order: visiting twice visits the same strings. */
export type StringVisitor = (text: string, visit: Visit) => string;

type Walk<T> = (value: T, fn: StringVisitor) => T;

/** Numbers and booleans carry no text; `model` is set by the gateway from its own catalog. */
type FieldRule<K extends keyof ChatRequest> =
  NonNullable<ChatRequest[K]> extends number | boolean ? 'scalar' : K extends 'model' ? 'set-by-gateway' : Walk<NonNullable<ChatRequest[K]>>;

const FIELDS: { [K in keyof ChatRequest]-?: FieldRule<K> } = {
  model: 'set-by-gateway',
  messages: (messages, fn) => messages.map((message, i) => mapMessage(message, i, fn)),
  maxTokens: 'scalar',
  temperature: 'scalar',
  topP: 'scalar',
  stop: (stop, fn) => stop.map((s, i) => fn(s, visit('text', `stop[${i}]`))),
  seed: 'scalar',
  presencePenalty: 'scalar',
  frequencyPenalty: 'scalar',
  tools: (tools, fn) => tools.map((tool, i) => mapTool(tool, i, fn)),
  toolChoice: (choice, fn) => mapToolChoice(choice, fn),
  parallelToolCalls: 'scalar',
  responseFormat: (format, fn) => mapResponseFormat(format, fn),
  user: (user, fn) => fn(user, visit('text', 'user')),
  passthrough: (fields, fn) => {
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(fields)) {
      out[key] = mapJsonValue(value, fn, key, key);
    }
    return out;
  },
};

/**
 * Calls `fn` on every string of the request that leaves for a provider, in a fixed order, and
 * returns a copy with the strings `fn` returned. The input is not modified.
 */
export function mapEgressStrings(request: ChatRequest, fn: StringVisitor): ChatRequest {
  const out: Record<string, unknown> = { ...request };
  for (const key of Object.keys(FIELDS) as (keyof ChatRequest)[]) {
    const rule = FIELDS[key];
    const value = request[key];
    if (value === undefined || typeof rule === 'string') continue;
    out[key] = (rule as Walk<unknown>)(value, fn);
  }
  return out as unknown as ChatRequest;
}

function visit(kind: StringKind, path: FieldPath, seam = false): Visit {
  return { kind, path, seam, passthrough: undefined };
}

/**
 * Compile-time check that `Keys` names every field of `T`: a field added to a message, a part, a
 * tool call, a tool or a response format fails the build below until it is listed, and handled.
 */
type AllFields<T, Keys extends keyof T> = [Exclude<keyof T, Keys>] extends [never] ? true : { unhandled: Exclude<keyof T, Keys> };
type Role<R extends ChatMessage['role']> = Extract<ChatMessage, { role: R }>;
type Part<P extends ContentPart['type']> = Extract<ContentPart, { type: P }>;
const HANDLED: [
  AllFields<Role<'system'>, 'role' | 'content' | 'name'>,
  AllFields<Role<'user'>, 'role' | 'content' | 'name'>,
  AllFields<Role<'assistant'>, 'role' | 'content' | 'toolCalls' | 'name'>,
  AllFields<Role<'tool'>, 'role' | 'toolCallId' | 'content'>,
  AllFields<Part<'text'>, 'type' | 'text'>,
  AllFields<Part<'image'>, 'type' | 'url' | 'detail'>,
  AllFields<ToolCall, 'id' | 'name' | 'arguments'>,
  AllFields<ToolSpec, 'name' | 'description' | 'parameters' | 'strict'>,
  AllFields<Exclude<ToolChoice, string>, 'name'>,
  AllFields<Extract<ResponseFormat, { type: 'json_schema' }>, 'type' | 'name' | 'schema' | 'strict' | 'description'>,
] = [true, true, true, true, true, true, true, true, true, true];
void HANDLED;

function mapMessage(message: ChatMessage, i: number, fn: StringVisitor): ChatMessage {
  const at = `messages[${i}]`;
  switch (message.role) {
    case 'system':
    case 'user': {
      const out = { role: message.role, content: mapContent(message.content, at, fn) } as typeof message;
      if (message.name !== undefined) out.name = fn(message.name, visit('label', `${at}.name`));
      return out;
    }
    case 'assistant': {
      const out: Role<'assistant'> = { role: 'assistant', content: message.content === null ? null : mapContent(message.content, at, fn) };
      if (message.toolCalls !== undefined) out.toolCalls = message.toolCalls.map((call, k) => mapToolCall(call, `${at}.tool_calls[${k}]`, fn));
      if (message.name !== undefined) out.name = fn(message.name, visit('label', `${at}.name`));
      return out;
    }
    case 'tool':
      return { role: 'tool', toolCallId: fn(message.toolCallId, visit('ref', `${at}.tool_call_id`)), content: mapContent(message.content, at, fn) };
  }
}

function mapContent<P extends ContentPart | TextPart>(content: string | P[], at: string, fn: StringVisitor): string | P[] {
  if (typeof content === 'string') return fn(content, visit('text', `${at}.content`, true));
  return content.map((part, k) => mapPart(part, `${at}.content[${k}]`, fn) as P);
}

function mapPart(part: ContentPart, at: string, fn: StringVisitor): ContentPart {
  switch (part.type) {
    case 'text':
      return { type: 'text', text: fn(part.text, visit('text', `${at}.text`, true)) };
    case 'image': {
      const out: ImagePart = { type: 'image', url: fn(part.url, visit('url', `${at}.image_url.url`)) };
      if (part.detail !== undefined) out.detail = part.detail;
      return out;
    }
  }
}

function mapToolCall(call: ToolCall, at: string, fn: StringVisitor): ToolCall {
  return {
    id: fn(call.id, visit('ref', `${at}.id`)),
    name: fn(call.name, visit('name', `${at}.function.name`)),
    arguments: mapJsonText(call.arguments, fn, `${at}.function.arguments`),
  };
}

function mapTool(tool: ToolSpec, i: number, fn: StringVisitor): ToolSpec {
  const at = `tools[${i}].function`;
  const out: ToolSpec = { name: fn(tool.name, visit('name', `${at}.name`)) };
  if (tool.description !== undefined) out.description = fn(tool.description, visit('text', `${at}.description`));
  if (tool.parameters !== undefined) out.parameters = mapJsonValue(tool.parameters, fn, `${at}.parameters`) as Record<string, unknown>;
  if (tool.strict !== undefined) out.strict = tool.strict;
  return out;
}

function mapToolChoice(choice: ToolChoice, fn: StringVisitor): ToolChoice {
  if (typeof choice === 'string') return choice; // 'auto' | 'none' | 'required': ours, not the caller's text
  return { name: fn(choice.name, visit('name', 'tool_choice.function.name')) };
}

function mapResponseFormat(format: ResponseFormat, fn: StringVisitor): ResponseFormat {
  if (format.type !== 'json_schema') return format; // { type } only: an enum of ours
  const at = 'response_format.json_schema';
  const out: ResponseFormat = {
    type: 'json_schema',
    name: fn(format.name, visit('name', `${at}.name`)),
    schema: mapJsonValue(format.schema, fn, `${at}.schema`) as Record<string, unknown>,
  };
  if (format.strict !== undefined) out.strict = format.strict;
  if (format.description !== undefined) out.description = fn(format.description, visit('text', `${at}.description`));
  return out;
}

/**
 * Visits the keys and string values of a JSON text and re-serialises it when something changed
 * (untouched JSON keeps its exact bytes). Text that is not valid JSON (model output is kept raw,
 * spec.ts) is visited as plain text: placeholders hold no quote or backslash, so they cannot
 * break it further.
 */
export function mapJsonText(json: string, fn: StringVisitor, at: FieldPath): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json); // tool-call arguments are already held in our types
  } catch {
    return fn(json, visit('text', at));
  }
  let changed = false;
  const mapped = mapJsonValue(
    parsed,
    (text, v) => {
      const out = fn(text, v);
      if (out !== text) changed = true;
      return out;
    },
    at,
  );
  return changed ? JSON.stringify(mapped) : json;
}

/**
 * JSON nested deeper than this is refused (400): no schema or argument object needs it, and
 * walking (or serialising) a value nested thousands deep would overflow the stack.
 */
export const MAX_JSON_DEPTH = 128;

/** Keys and string values of a JSON value, as `text`. */
function mapJsonValue(value: unknown, fn: StringVisitor, at: FieldPath, passthrough?: string): unknown {
  const textVisit: Visit = { kind: 'text', path: at, seam: false, passthrough };
  const walk = (v: unknown, depth: number): unknown => {
    if (typeof v === 'string') return fn(v, textVisit);
    if (v === null || typeof v !== 'object') return v;
    if (depth > MAX_JSON_DEPTH) {
      throw new FlambeauError('invalid_request', `Invalid value for '${at}': JSON nested deeper than ${MAX_JSON_DEPTH} levels.`, { param: at });
    }
    if (Array.isArray(v)) return v.map((inner) => walk(inner, depth + 1));
    const out: Record<string, unknown> = {};
    for (const [k, inner] of Object.entries(v)) out[fn(k, textVisit)] = walk(inner, depth + 1);
    return out;
  };
  return walk(value, 1);
}
