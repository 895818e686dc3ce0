// POST /v1/messages: the `message` object, or the SSE sequence message_start, content blocks
// (content_block_start / ping / content_block_delta text_delta|input_json_delta / content_block_stop),
// message_delta (stop_reason, usage.output_tokens), message_stop.
import { anthropicHeaders, anthropicInvalid, anthropicWire } from './anthropic-wire.js';
import { randomId } from './ids.js';
import { asRecord, jsonPlan, ssePlan, type JsonPlan, type Plan, type ReplyContent, type Route } from './plan.js';
import { anthropicMessageTexts, countTokens, countToolCallTokens, splitArguments, splitDeltas } from './wire-text.js';

const FROM_OPENAI: Record<string, string> = { stop: 'end_turn', length: 'max_tokens', tool_calls: 'tool_use', content_filter: 'refusal' };

interface ToolUse {
  id: string;
  name: string;
  json: string;
}

interface Answer {
  id: string;
  model: string;
  text: string;
  tools: ToolUse[];
  stopReason: string;
  inputTokens: number;
  outputTokens: number;
  usage: boolean;
}

function answerOf(body: unknown, reply: ReplyContent): Answer {
  const request = asRecord(body);
  const tools = reply.toolCalls.map((c) => ({ id: c.id ?? randomId('toolu_01', 22), name: c.name, json: c.arguments }));
  const raw = reply.finishReason ?? (tools.length > 0 ? 'tool_use' : 'end_turn');
  return {
    id: randomId('msg_01', 22),
    model: typeof request.model === 'string' ? request.model : 'claude-sonnet-4-20250514',
    text: reply.text,
    tools,
    stopReason: FROM_OPENAI[raw] ?? raw,
    inputTokens: countTokens(anthropicMessageTexts(body).join('\n')),
    outputTokens: countTokens(reply.text) + countToolCallTokens(reply.toolCalls),
    usage: reply.usage,
  };
}

function usageBlock(inputTokens: number, outputTokens: number): Record<string, number> {
  return { input_tokens: inputTokens, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: outputTokens };
}

/** `input` is an object on the wire; arguments that are not a JSON object become `{}`. */
function parseInput(json: string): unknown {
  try {
    const value: unknown = JSON.parse(json);
    return typeof value === 'object' && value !== null ? value : {};
  } catch {
    return {};
  }
}

/** A text block unless the answer is tool calls only, as the API does. */
function hasTextBlock(a: Answer): boolean {
  return a.text !== '' || a.tools.length === 0;
}

function messageObject(a: Answer, streaming: boolean): Record<string, unknown> {
  const content = streaming
    ? []
    : [
        ...(hasTextBlock(a) ? [{ type: 'text', text: a.text }] : []),
        ...a.tools.map((t) => ({ type: 'tool_use', id: t.id, name: t.name, input: parseInput(t.json) })),
      ];
  const message: Record<string, unknown> = {
    id: a.id,
    type: 'message',
    role: 'assistant',
    model: a.model,
    content,
    stop_reason: streaming ? null : a.stopReason,
    stop_sequence: null,
  };
  // message_start reports the output tokens produced so far (1), message_delta the total.
  if (a.usage) message.usage = usageBlock(a.inputTokens, streaming ? 1 : a.outputTokens);
  return message;
}

function frame(data: { type: string } & Record<string, unknown>): string {
  return `event: ${data.type}\ndata: ${JSON.stringify(data)}\n\n`;
}

function streamFrames(a: Answer, chunkSize: number | undefined): string[] {
  const frames = [frame({ type: 'message_start', message: messageObject(a, true) })];
  let index = 0;
  const open = (block: Record<string, unknown>): void => {
    frames.push(frame({ type: 'content_block_start', index, content_block: block }));
    if (index === 0) frames.push(frame({ type: 'ping' }));
  };
  const delta = (d: Record<string, unknown>): void => {
    frames.push(frame({ type: 'content_block_delta', index, delta: d }));
  };
  const close = (): void => {
    frames.push(frame({ type: 'content_block_stop', index }));
    index++;
  };
  if (hasTextBlock(a)) {
    open({ type: 'text', text: '' });
    for (const piece of splitDeltas(a.text, chunkSize)) delta({ type: 'text_delta', text: piece });
    close();
  }
  for (const tool of a.tools) {
    open({ type: 'tool_use', id: tool.id, name: tool.name, input: {} });
    delta({ type: 'input_json_delta', partial_json: '' });
    for (const fragment of splitArguments(tool.json, chunkSize)) delta({ type: 'input_json_delta', partial_json: fragment });
    close();
  }
  const messageDelta: Record<string, unknown> = { delta: { stop_reason: a.stopReason, stop_sequence: null } };
  if (a.usage) messageDelta.usage = { output_tokens: a.outputTokens };
  frames.push(frame({ type: 'message_delta', ...messageDelta }));
  frames.push(frame({ type: 'message_stop' }));
  return frames;
}

function validateMessages(messages: unknown[]): JsonPlan | undefined {
  for (const [i, m] of messages.entries()) {
    const role = asRecord(m).role;
    if (role === 'system') {
      return anthropicInvalid(
        'messages: Unexpected role "system". The Messages API accepts a top-level `system` parameter, not "system" as an input message role.',
      );
    }
    if (role !== 'user' && role !== 'assistant') return anthropicInvalid(`messages.${i}.role: Input should be 'user' or 'assistant'`);
  }
  return undefined;
}

export const anthropicMessagesRoute: Route = {
  wire: anthropicWire,
  streams: (body) => asRecord(body).stream === true,
  texts: anthropicMessageTexts,
  validate(body) {
    const request = asRecord(body);
    if (typeof request.model !== 'string') return anthropicInvalid('model: Field required');
    if (typeof request.max_tokens !== 'number') return anthropicInvalid('max_tokens: Field required');
    if (!Array.isArray(request.messages)) return anthropicInvalid('messages: Field required');
    return validateMessages(request.messages);
  },
  answer(body, reply): Plan {
    const a = answerOf(body, reply);
    if (asRecord(body).stream !== true) return jsonPlan(200, messageObject(a, false), anthropicHeaders());
    return ssePlan(streamFrames(a, reply.chunkSize), anthropicHeaders());
  },
};
