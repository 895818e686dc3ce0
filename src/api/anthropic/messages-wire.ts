import { z } from 'zod';
import { FlambeauError } from '../../errors/index.js';
import type { ChatMessage, ChatRequest, ContentPart, ToolCall, ToolChoice, Warning } from '../../providers/spec.js';
import { checkChatCounts } from '../http/chat-request-limits.js';
import { collectionName, MAX_MODEL_NAME_CHARS } from '../http/chat-completions-wire.js';
import { invalidRequestFrom, paramPath } from '../http/zod-issue.js';

/**
 * The Anthropic Messages request, as the Anthropic SDK and the tools built on it send it. Blocks
 * are checked by type first (`blockType`), so a block we do not translate (document, thinking,
 * server tool results...) is a 400 naming it, never dropped. `cache_control` is a caching hint
 * with no meaning for the answer: accepted everywhere, reported in `x-flambeau-warnings`.
 */
const cacheControl = z.unknown().optional();

const textBlock = z.object({ type: z.literal('text'), text: z.string(), cache_control: cacheControl, citations: z.unknown().optional() });
const imageSource = z.discriminatedUnion('type', [
  z.object({ type: z.literal('base64'), media_type: z.string().min(1), data: z.string().min(1) }),
  z.object({ type: z.literal('url'), url: z.string().min(1) }),
]);
const imageBlock = z.object({ type: z.literal('image'), source: imageSource, cache_control: cacheControl });
const toolUseBlock = z.object({
  type: z.literal('tool_use'),
  id: z.string().min(1),
  name: z.string().min(1),
  input: z.record(z.string(), z.unknown()),
  cache_control: cacheControl,
});
const toolResultBlock = z.object({
  type: z.literal('tool_result'),
  tool_use_id: z.string().min(1),
  content: z.union([z.string(), z.array(z.unknown())]).optional(),
  is_error: z.boolean().optional(),
  cache_control: cacheControl,
});
const thinkingBlock = z.object({ type: z.enum(['thinking', 'redacted_thinking']) });

const toolName = z.string().regex(/^[A-Za-z0-9_-]{1,128}$/, 'must be 1-128 letters, digits, _ or -');
const tool = z.object({
  type: z.literal('custom').optional(),
  name: toolName,
  description: z.string().optional(),
  input_schema: z.record(z.string(), z.unknown()),
  strict: z.boolean().optional(),
  cache_control: cacheControl,
});

const parallel = { disable_parallel_tool_use: z.boolean().optional() };
const toolChoice = z.discriminatedUnion('type', [
  z.object({ type: z.literal('auto'), ...parallel }),
  z.object({ type: z.literal('any'), ...parallel }),
  z.object({ type: z.literal('tool'), name: toolName, ...parallel }),
  z.object({ type: z.literal('none') }),
]);

const known = {
  model: z.string().min(1).max(MAX_MODEL_NAME_CHARS),
  messages: z.array(z.object({ role: z.enum(['user', 'assistant']), content: z.union([z.string(), z.array(z.unknown())]) })).min(1),
  system: z.union([z.string(), z.array(textBlock)]).optional(),
  max_tokens: z.number().int().positive(),
  stop_sequences: z.array(z.string()).optional(),
  temperature: z.number().min(0).max(1).optional(),
  top_p: z.number().min(0).max(1).optional(),
  top_k: z.number().int().positive().optional(),
  metadata: z.object({ user_id: z.string().nullish() }).optional(),
  stream: z.boolean().optional(),
  tools: z
    .array(z.looseObject({ type: z.string().optional() }))
    .max(128)
    .optional(),
  tool_choice: toolChoice.optional(),
  /** Our extension, as on chat: `{ knowledge: ["notes"] }` names the collections to retrieve from. */
  flambeau: z.strictObject({ knowledge: z.array(collectionName).max(32).optional() }).optional(),
};

const messagesBody = z.looseObject(known);
/** count_tokens takes the same body without `max_tokens` (nor `stream`). */
const countTokensBody = z.looseObject({ ...known, max_tokens: known.max_tokens.optional() });

export interface ParsedMessages {
  request: ChatRequest;
  stream: boolean;
  knowledge: string[];
  /** What the translation could not carry (caching hints, thinking blocks, tool errors flags). */
  warnings: Warning[];
}

/** Parses a `/v1/messages` body; throws `invalid_request` (or `unsupported_parameter`) naming the first bad field. */
export function parseMessagesBody(raw: unknown, counting = false): ParsedMessages {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new FlambeauError('invalid_request', 'The request body must be a JSON object.');
  }
  checkChatCounts(raw as Record<string, unknown>);
  const parsed = (counting ? countTokensBody : messagesBody).safeParse(raw);
  if (!parsed.success) throw invalidRequestFrom(parsed.error);
  const body = parsed.data;
  const translation = new Translation();
  const messages: ChatMessage[] = [];
  if (body.system !== undefined) {
    if (typeof body.system === 'string') messages.push({ role: 'system', content: body.system });
    else if (body.system.length > 0) {
      body.system.forEach((block, i) => translation.noteCache(block.cache_control, `system[${i}]`));
      messages.push({ role: 'system', content: body.system.map((b) => ({ type: 'text', text: b.text })) });
    }
  }
  body.messages.forEach((m, i) => messages.push(...translation.turn(m, i)));
  const request: ChatRequest = { model: body.model, messages };
  if (body.max_tokens !== undefined) request.maxTokens = body.max_tokens;
  if (body.temperature !== undefined) request.temperature = body.temperature;
  if (body.top_p !== undefined) request.topP = body.top_p;
  if (body.stop_sequences !== undefined && body.stop_sequences.length > 0) request.stop = body.stop_sequences;
  if (body.metadata?.user_id != null) request.user = body.metadata.user_id;
  if (body.tools !== undefined && body.tools.length > 0) request.tools = body.tools.map((t, i) => translation.tool(t, i));
  if (body.tool_choice !== undefined) applyToolChoice(body.tool_choice, request);
  const passthrough: Record<string, unknown> = {};
  // top_k has no place in our request yet (rule of three); OpenAI-compatible servers that take it
  // (llama-server, vLLM) read it under the same name.
  if (body.top_k !== undefined) passthrough.top_k = body.top_k;
  for (const [key, value] of Object.entries(body)) if (!(key in known)) passthrough[key] = value;
  if (Object.keys(passthrough).length > 0) request.passthrough = passthrough;
  return { request, stream: body.stream === true, knowledge: [...(body.flambeau?.knowledge ?? [])], warnings: translation.warnings };
}

/** A tool_use block's `input` from the model's arguments text; invalid JSON keeps its text under `_raw`. */
export function toolInput(args: string): Record<string, unknown> {
  if (args.trim() === '') return {};
  try {
    const value: unknown = JSON.parse(args);
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // kept below
  }
  return { _raw: args };
}

type WireTurn = z.infer<typeof messagesBody>['messages'][number];

/** One request's translation: the tool ids seen so far and the warnings, gathered once each. */
class Translation {
  readonly warnings: Warning[] = [];
  readonly #toolIds = new Set<string>();

  turn(m: WireTurn, index: number): ChatMessage[] {
    if (typeof m.content === 'string') return [{ role: m.role, content: m.content }];
    const blocks = m.content.map((block, j) => this.#block(block, `messages[${index}].content[${j}]`, m.role));
    if (m.role === 'user') return this.#user(blocks);
    const assistant = this.#assistant(blocks, index);
    return assistant === null ? [] : [assistant];
  }

  tool(raw: { type?: string | undefined }, index: number): NonNullable<ChatRequest['tools']>[number] {
    if (raw.type !== undefined && raw.type !== 'custom') {
      throw unsupported(`tools[${index}].type`, `the server tool '${raw.type.slice(0, 64)}' is not supported; only custom tools (name, input_schema) are`);
    }
    const t = parse(tool, raw, `tools[${index}]`);
    this.noteCache(t.cache_control, `tools[${index}]`);
    return {
      name: t.name,
      ...(t.description === undefined ? {} : { description: t.description }),
      parameters: t.input_schema,
      ...(t.strict === undefined ? {} : { strict: t.strict }),
    };
  }

  noteCache(value: unknown, where: string): void {
    if (value === undefined || value === null) return;
    if (this.warnings.some((w) => w.setting === 'cache_control')) return;
    this.warnings.push({ kind: 'unsupported', setting: 'cache_control', detail: `Prompt caching hints (first at ${where}) are not forwarded.` });
  }

  #warnOnce(warning: Warning): void {
    if (!this.warnings.some((w) => w.setting === warning.setting)) this.warnings.push(warning);
  }

  #block(raw: unknown, where: string, role: 'user' | 'assistant'): Block {
    const type = blockType(raw, where);
    switch (type) {
      case 'text': {
        const b = parse(textBlock, raw, where);
        this.noteCache(b.cache_control, where);
        return { kind: 'part', part: { type: 'text', text: b.text } };
      }
      case 'image': {
        if (role === 'assistant') throw unsupported(`${where}.type`, 'an assistant turn cannot hold an image');
        const b = parse(imageBlock, raw, where);
        this.noteCache(b.cache_control, where);
        const url = b.source.type === 'url' ? b.source.url : `data:${b.source.media_type};base64,${b.source.data}`;
        return { kind: 'part', part: { type: 'image', url } };
      }
      case 'tool_use': {
        if (role === 'user') throw unsupported(`${where}.type`, 'tool_use blocks belong in assistant turns');
        const b = parse(toolUseBlock, raw, where);
        this.#toolIds.add(b.id);
        return { kind: 'call', call: { id: b.id, name: b.name, arguments: JSON.stringify(b.input) } };
      }
      case 'tool_result': {
        if (role === 'assistant') throw unsupported(`${where}.type`, 'tool_result blocks belong in user turns');
        const b = parse(toolResultBlock, raw, where);
        if (!this.#toolIds.has(b.tool_use_id)) {
          throw new FlambeauError(
            'invalid_request',
            `Invalid value for '${where}.tool_use_id': no earlier tool_use block has the id ${JSON.stringify(b.tool_use_id.slice(0, 64))}.`,
            { param: `${where}.tool_use_id` },
          );
        }
        if (b.is_error === true) {
          this.#warnOnce({ kind: 'approximated', setting: 'tool_result.is_error', detail: 'The error flag is not carried; the result text is.' });
        }
        return { kind: 'result', toolCallId: b.tool_use_id, content: this.#resultText(b.content, where) };
      }
      case 'thinking':
      case 'redacted_thinking':
        if (role === 'user') throw unsupported(`${where}.type`, 'thinking blocks belong in assistant turns');
        parse(thinkingBlock, raw, where);
        this.#warnOnce({ kind: 'unsupported', setting: 'thinking', detail: 'Earlier thinking blocks are not sent to the model.' });
        return { kind: 'skip' };
      default:
        throw unsupported(`${where}.type`, `content blocks of type '${type.slice(0, 64)}' are not supported (text, image, tool_use, tool_result are)`);
    }
  }

  #resultText(content: string | unknown[] | undefined, where: string): string {
    if (content === undefined) return '';
    if (typeof content === 'string') return content;
    return content
      .map((raw, k) => {
        const at = `${where}.content[${k}]`;
        if (blockType(raw, at) !== 'text') throw unsupported(`${at}.type`, 'a tool result may hold only text blocks here');
        return parse(textBlock, raw, at).text;
      })
      .join('\n');
  }

  /** Null for a turn of thinking blocks only: nothing of it is sent. */
  #assistant(blocks: Block[], index: number): ChatMessage | null {
    const parts: { type: 'text'; text: string }[] = [];
    const calls: ToolCall[] = [];
    for (const b of blocks) {
      if (b.kind === 'part' && b.part.type === 'text') parts.push(b.part);
      else if (b.kind === 'call') calls.push(b.call);
    }
    if (parts.length === 0 && calls.length === 0) {
      if (blocks.some((b) => b.kind === 'skip')) return null;
      throw new FlambeauError('invalid_request', `Invalid value for 'messages[${index}].content': an assistant turn needs text or tool_use blocks.`, {
        param: `messages[${index}].content`,
      });
    }
    return { role: 'assistant', content: parts.length === 0 ? null : parts, ...(calls.length === 0 ? {} : { toolCalls: calls }) };
  }

  /** Tool results become tool messages, in order; the turn's other parts follow as one user message. */
  #user(blocks: Block[]): ChatMessage[] {
    const out: ChatMessage[] = [];
    const parts: ContentPart[] = [];
    for (const b of blocks) {
      if (b.kind === 'result') out.push({ role: 'tool', toolCallId: b.toolCallId, content: b.content });
      else if (b.kind === 'part') parts.push(b.part);
    }
    if (parts.length > 0 || out.length === 0) out.push({ role: 'user', content: parts });
    return out;
  }
}

type Block =
  { kind: 'part'; part: ContentPart } | { kind: 'call'; call: ToolCall } | { kind: 'result'; toolCallId: string; content: string } | { kind: 'skip' };

function blockType(raw: unknown, where: string): string {
  const type = raw !== null && typeof raw === 'object' ? (raw as { type?: unknown }).type : undefined;
  if (typeof type !== 'string')
    throw new FlambeauError('invalid_request', `Invalid value for '${where}.type': a content block needs a type.`, { param: `${where}.type` });
  return type;
}

/** A block checked against its schema; the error names the field inside the block (`messages[0].content[1].input`). */
function parse<T extends z.ZodType>(schema: T, raw: unknown, where: string): z.infer<T> {
  const parsed = schema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const tail = issue === undefined ? '' : paramPath(issue.path);
  const inner = tail === '' ? where : tail.startsWith('[') ? `${where}${tail}` : `${where}.${tail}`;
  throw new FlambeauError('invalid_request', `Invalid value for '${inner}': ${issue?.message ?? 'invalid'}.`, { param: inner });
}

function unsupported(param: string, why: string): FlambeauError {
  return new FlambeauError('unsupported_parameter', `Unsupported value for '${param}': ${why}.`, { param });
}

function applyToolChoice(choice: z.infer<typeof toolChoice>, request: ChatRequest): void {
  if ('disable_parallel_tool_use' in choice && choice.disable_parallel_tool_use === true) request.parallelToolCalls = false;
  let mapped: ToolChoice;
  if (choice.type === 'tool') {
    if (request.tools?.some((t) => t.name === choice.name) !== true) {
      throw new FlambeauError('invalid_request', `Invalid value for 'tool_choice.name': no tool named ${choice.name} in 'tools'.`, {
        param: 'tool_choice.name',
      });
    }
    mapped = { name: choice.name };
  } else if (choice.type === 'any') {
    if (request.tools === undefined)
      throw new FlambeauError('invalid_request', "Invalid value for 'tool_choice': 'any' needs 'tools'.", { param: 'tool_choice' });
    mapped = 'required';
  } else mapped = choice.type;
  request.toolChoice = mapped;
}
