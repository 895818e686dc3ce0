import type { ChatMessage, ChatRequest, ContentPart, TextPart, ToolCall } from '../providers/spec.js';

/**
 * Calls `fn` on every piece of free text a request sends to a model, in a fixed order (messages
 * in order; inside a message: content, then tool-call arguments), and returns a copy of the
 * request with the texts `fn` returned. Covered: system, user, assistant and tool contents
 * (string or text parts), and tool-call arguments, whose JSON string values are visited one by
 * one (`fn` never sees JSON syntax; the arguments are re-serialised). Not covered: image parts,
 * tool definitions, message `name` fields and `user`, which come from the application, not the
 * end user. The input request is not modified.
 */
export function mapChatTexts(request: ChatRequest, fn: (text: string) => string): ChatRequest {
  return { ...request, messages: request.messages.map((message) => mapMessage(message, fn)) };
}

function mapMessage(message: ChatMessage, fn: (text: string) => string): ChatMessage {
  switch (message.role) {
    case 'system':
      return { ...message, content: mapContent(message.content, fn) };
    case 'user':
      return { ...message, content: mapContent(message.content, fn) };
    case 'tool':
      return { ...message, content: mapContent(message.content, fn) };
    case 'assistant': {
      const content = message.content === null ? null : mapContent(message.content, fn);
      const toolCalls = message.toolCalls?.map((call) => mapToolCall(call, fn));
      return toolCalls === undefined ? { ...message, content } : { ...message, content, toolCalls };
    }
  }
}

function mapContent<P extends ContentPart | TextPart>(content: string | P[], fn: (text: string) => string): string | P[] {
  if (typeof content === 'string') return fn(content);
  return content.map((part) => (part.type === 'text' ? { ...part, text: fn(part.text) } : part));
}

function mapToolCall(call: ToolCall, fn: (text: string) => string): ToolCall {
  return { ...call, arguments: mapJsonText(call.arguments, fn) };
}

/**
 * Visits the string values (not keys) of a JSON text. Arguments that are not valid JSON are kept
 * raw (spec.ts) and visited as plain text: placeholders hold no quote or backslash, so they cannot
 * break it further.
 */
export function mapJsonText(json: string, fn: (text: string) => string): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json); // tool-call arguments are model output already held in our types
  } catch {
    return fn(json);
  }
  let changed = false;
  const mapped = mapJsonValue(parsed, (text) => {
    const out = fn(text);
    if (out !== text) changed = true;
    return out;
  });
  return changed ? JSON.stringify(mapped) : json; // untouched arguments keep their exact bytes
}

function mapJsonValue(value: unknown, fn: (text: string) => string): unknown {
  if (typeof value === 'string') return fn(value);
  if (Array.isArray(value)) return value.map((v) => mapJsonValue(v, fn));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = mapJsonValue(v, fn);
    return out;
  }
  return value;
}
