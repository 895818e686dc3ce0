// POST /v1/chat/completions: the `chat.completion` object, or the `chat.completion.chunk` stream
// (role, content deltas, tool_calls deltas, finish, optional usage chunk, `[DONE]`).
import { randomId, unixSeconds } from './ids.js';
import { openAiHeaders, openAiInvalid, openAiWire } from './openai-wire.js';
import { asRecord, jsonPlan, ssePlan, type Plan, type ReplyContent, type Route } from './plan.js';
import { countTokens, countToolCallTokens, openAiMessageTexts, splitArguments, splitDeltas } from './wire-text.js';

const FROM_ANTHROPIC: Record<string, string> = {
  end_turn: 'stop',
  stop_sequence: 'stop',
  max_tokens: 'length',
  tool_use: 'tool_calls',
  refusal: 'content_filter',
};

interface ToolCall {
  id: string;
  name: string;
  arguments: string;
}

interface Completion {
  id: string;
  created: number;
  model: string;
  text: string;
  calls: ToolCall[];
  finishReason: string;
  usage: Record<string, unknown> | undefined;
}

function usageObject(promptTokens: number, completionTokens: number): Record<string, unknown> {
  return {
    prompt_tokens: promptTokens,
    completion_tokens: completionTokens,
    total_tokens: promptTokens + completionTokens,
    prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
    completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
  };
}

function completionOf(body: unknown, reply: ReplyContent): Completion {
  const request = asRecord(body);
  const calls = reply.toolCalls.map((c) => ({ id: c.id ?? randomId('call_', 24), name: c.name, arguments: c.arguments }));
  const raw = reply.finishReason ?? (calls.length > 0 ? 'tool_calls' : 'stop');
  const prompt = countTokens(openAiMessageTexts(body).join('\n'));
  return {
    id: randomId('chatcmpl-', 29),
    created: unixSeconds(),
    model: typeof request.model === 'string' ? request.model : 'gpt-4o-mini',
    text: reply.text,
    calls,
    finishReason: FROM_ANTHROPIC[raw] ?? raw,
    usage: reply.usage ? usageObject(prompt, countTokens(reply.text) + countToolCallTokens(calls)) : undefined,
  };
}

function completionBody(c: Completion): Record<string, unknown> {
  const message: Record<string, unknown> = {
    role: 'assistant',
    content: c.text === '' && c.calls.length > 0 ? null : c.text,
    refusal: null,
    annotations: [],
  };
  if (c.calls.length > 0) {
    message.tool_calls = c.calls.map((t) => ({ id: t.id, type: 'function', function: { name: t.name, arguments: t.arguments } }));
  }
  const body: Record<string, unknown> = {
    id: c.id,
    object: 'chat.completion',
    created: c.created,
    model: c.model,
    choices: [{ index: 0, message, logprobs: null, finish_reason: c.finishReason }],
  };
  if (c.usage) body.usage = c.usage;
  body.service_tier = 'default';
  body.system_fingerprint = 'fp_standin';
  return body;
}

/** Builds `data:` frames; with include_usage every chunk carries `usage: null`, as the API does. */
class ChunkWriter {
  readonly frames: string[] = [];
  constructor(
    private readonly c: Completion,
    private readonly includeUsage: boolean,
  ) {}

  private push(choices: unknown[], usage: unknown = null): void {
    const chunk: Record<string, unknown> = {
      id: this.c.id,
      object: 'chat.completion.chunk',
      created: this.c.created,
      model: this.c.model,
      service_tier: 'default',
      system_fingerprint: 'fp_standin',
      choices,
    };
    if (this.includeUsage) chunk.usage = usage;
    this.frames.push(`data: ${JSON.stringify(chunk)}\n\n`);
  }

  delta(delta: Record<string, unknown>, finishReason: string | null = null): void {
    this.push([{ index: 0, delta, logprobs: null, finish_reason: finishReason }]);
  }

  usage(usage: unknown): void {
    this.push([], usage);
  }

  done(): void {
    this.frames.push('data: [DONE]\n\n');
  }
}

function toolCallStart(call: ToolCall, index: number): Record<string, unknown> {
  return { index, id: call.id, type: 'function', function: { name: call.name, arguments: '' } };
}

function streamFrames(c: Completion, includeUsage: boolean, chunkSize: number | undefined): string[] {
  const w = new ChunkWriter(c, includeUsage && c.usage !== undefined);
  // The role comes alone first; recorded gpt-4.1 streams send `content: null` there when the
  // answer is tool calls only, and `''` otherwise.
  const toolOnly = c.text === '' && c.calls.length > 0;
  w.delta({ role: 'assistant', content: toolOnly ? null : '', refusal: null });
  for (const piece of splitDeltas(c.text, chunkSize)) w.delta({ content: piece });
  c.calls.forEach((call, index) => {
    w.delta({ tool_calls: [toolCallStart(call, index)] });
    for (const fragment of splitArguments(call.arguments, chunkSize)) {
      w.delta({ tool_calls: [{ index, function: { arguments: fragment } }] });
    }
  });
  w.delta({}, c.finishReason);
  if (includeUsage && c.usage) w.usage(c.usage);
  w.done();
  return w.frames;
}

export const openAiChatRoute: Route = {
  wire: openAiWire,
  streams: (body) => asRecord(body).stream === true,
  texts: openAiMessageTexts,
  validate(body) {
    const request = asRecord(body);
    if (typeof request.model !== 'string') return openAiInvalid('you must provide a model parameter');
    if (request.messages === undefined) return openAiInvalid("Missing required parameter: 'messages'.", 'messages', 'missing_required_parameter');
    if (!Array.isArray(request.messages)) return openAiInvalid("Invalid type for 'messages': expected an array of objects.", 'messages', 'invalid_type');
    if (request.messages.length === 0)
      return openAiInvalid(
        "Invalid 'messages': empty array. Expected an array with minimum length 1, but got an empty array instead.",
        'messages',
        'empty_array',
      );
    return undefined;
  },
  answer(body, reply): Plan {
    const c = completionOf(body, reply);
    if (asRecord(body).stream !== true) return jsonPlan(200, completionBody(c), openAiHeaders());
    const includeUsage = asRecord(asRecord(body).stream_options).include_usage === true;
    return ssePlan(streamFrames(c, includeUsage, reply.chunkSize), openAiHeaders());
  },
};
