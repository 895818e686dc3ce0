import type { ChatMessage, ChatRequest, ContentPart, FinishReason, ToolCall, Usage } from '../spec.js';

/** Our request → the OpenAI Chat Completions body. `passthrough` fields go out unchanged. */
export function toOpenAiBody(request: ChatRequest, stream: boolean): Record<string, unknown> {
  const body: Record<string, unknown> = { ...request.passthrough, model: request.model, messages: request.messages.map(toOpenAiMessage) };
  if (stream) {
    body.stream = true;
    body.stream_options = { include_usage: true };
  }
  if (request.maxTokens !== undefined) body.max_tokens = request.maxTokens;
  if (request.temperature !== undefined) body.temperature = request.temperature;
  if (request.topP !== undefined) body.top_p = request.topP;
  if (request.stop !== undefined) body.stop = request.stop;
  if (request.seed !== undefined) body.seed = request.seed;
  if (request.presencePenalty !== undefined) body.presence_penalty = request.presencePenalty;
  if (request.frequencyPenalty !== undefined) body.frequency_penalty = request.frequencyPenalty;
  if (request.user !== undefined) body.user = request.user;
  if (request.tools !== undefined) {
    body.tools = request.tools.map((tool) => ({
      type: 'function',
      function: {
        name: tool.name,
        ...(tool.description === undefined ? {} : { description: tool.description }),
        ...(tool.parameters === undefined ? {} : { parameters: tool.parameters }),
        ...(tool.strict === undefined ? {} : { strict: tool.strict }),
      },
    }));
  }
  if (request.toolChoice !== undefined) {
    body.tool_choice = typeof request.toolChoice === 'string' ? request.toolChoice : { type: 'function', function: { name: request.toolChoice.name } };
  }
  if (request.parallelToolCalls !== undefined) body.parallel_tool_calls = request.parallelToolCalls;
  const format = request.responseFormat;
  if (format !== undefined) {
    body.response_format = format.type === 'json_schema'
      ? { type: 'json_schema', json_schema: { name: format.name, schema: format.schema, ...(format.strict === undefined ? {} : { strict: format.strict }), ...(format.description === undefined ? {} : { description: format.description }) } }
      : { type: format.type };
  }
  return body;
}

function toOpenAiMessage(message: ChatMessage): Record<string, unknown> {
  switch (message.role) {
    case 'system':
      return { role: 'system', content: message.content, ...(message.name === undefined ? {} : { name: message.name }) };
    case 'user':
      return {
        role: 'user',
        content: typeof message.content === 'string' ? message.content : message.content.map(toOpenAiPart),
        ...(message.name === undefined ? {} : { name: message.name }),
      };
    case 'assistant':
      return {
        role: 'assistant',
        content: message.content,
        ...(message.name === undefined ? {} : { name: message.name }),
        ...(message.toolCalls === undefined || message.toolCalls.length === 0
          ? {}
          : { tool_calls: message.toolCalls.map((call) => ({ id: call.id, type: 'function', function: { name: call.name, arguments: call.arguments } })) }),
      };
    case 'tool':
      return { role: 'tool', tool_call_id: message.toolCallId, content: message.content };
  }
}

function toOpenAiPart(part: ContentPart): Record<string, unknown> {
  if (part.type === 'text') return { type: 'text', text: part.text };
  return { type: 'image_url', image_url: { url: part.url, ...(part.detail === undefined ? {} : { detail: part.detail }) } };
}

export function fromOpenAiFinish(raw: unknown): { reason: FinishReason; raw?: string } {
  if (typeof raw !== 'string') return { reason: 'other' };
  switch (raw) {
    case 'stop': return { reason: 'stop', raw };
    case 'length': return { reason: 'length', raw };
    case 'tool_calls':
    case 'function_call': return { reason: 'tool-calls', raw };
    case 'content_filter': return { reason: 'filtered', raw };
    default: return { reason: 'other', raw };
  }
}

export function fromOpenAiUsage(raw: unknown): Usage {
  const usage = raw as { prompt_tokens?: unknown; completion_tokens?: unknown } | null | undefined;
  const input = typeof usage?.prompt_tokens === 'number' ? usage.prompt_tokens : null;
  const output = typeof usage?.completion_tokens === 'number' ? usage.completion_tokens : null;
  return { inputTokens: input, outputTokens: output, estimated: false };
}

interface WireToolCall { index?: number; id?: string; function?: { name?: string; arguments?: string } }

/** The parts of a `chat.completion` body we need. Tolerant: servers of the OpenAI family differ. */
export function parseOpenAiCompletion(text: string): { text: string | null; toolCalls: ToolCall[]; finish: unknown; usage: unknown } {
  const body = JSON.parse(text) as { choices?: { message?: { content?: unknown; tool_calls?: WireToolCall[] }; finish_reason?: unknown }[]; usage?: unknown };
  const choice = body.choices?.[0];
  if (choice === undefined) throw new SyntaxError('no choices in the completion');
  const content = choice.message?.content;
  return {
    text: typeof content === 'string' ? content : null,
    toolCalls: (choice.message?.tool_calls ?? []).map((call, i) => ({
      id: call.id ?? `call_${i}`,
      name: call.function?.name ?? '',
      arguments: call.function?.arguments ?? '',
    })),
    finish: choice.finish_reason,
    usage: body.usage,
  };
}

export interface OpenAiChunk {
  choices?: { delta?: { content?: unknown; tool_calls?: WireToolCall[] }; finish_reason?: unknown }[];
  usage?: unknown;
  error?: { message?: unknown };
}

export function parseOpenAiChunk(data: string): OpenAiChunk {
  return JSON.parse(data) as OpenAiChunk;
}

export function parseOpenAiEmbeddings(text: string): { vectors: Float32Array[]; usage: unknown } {
  const body = JSON.parse(text) as { data?: { index?: number; embedding?: unknown }[]; usage?: unknown };
  const rows = [...(body.data ?? [])].sort((a, b) => (a.index ?? 0) - (b.index ?? 0));
  return { vectors: rows.map((row) => decodeEmbedding(row.embedding)), usage: body.usage };
}

function decodeEmbedding(raw: unknown): Float32Array {
  if (Array.isArray(raw)) return Float32Array.from(raw as number[]);
  if (typeof raw === 'string') {
    const bytes = Buffer.from(raw, 'base64');
    return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  }
  throw new SyntaxError('embedding is neither an array nor base64');
}
