import type { ChatResult, Finish, Usage } from '../../providers/spec.js';
import type { ParsedResponses } from './responses-wire.js';

/** The fixed part of one response object: ids and the request's settings, echoed as OpenAI does. */
export interface ResponseHead {
  id: string;
  created: number;
  model: string;
  parsed: ParsedResponses;
  /** Our `flambeau` extension (citations), when knowledge was used. */
  extension: Record<string, unknown> | undefined;
}

export type OutputItem = MessageItem | FunctionCallItem;

export interface MessageItem {
  type: 'message';
  id: string;
  status: 'in_progress' | 'completed' | 'incomplete';
  role: 'assistant';
  content: OutputTextPart[];
}
export interface OutputTextPart {
  type: 'output_text';
  text: string;
  annotations: never[];
  logprobs: never[];
}
export interface FunctionCallItem {
  type: 'function_call';
  id: string;
  call_id: string;
  name: string;
  arguments: string;
  status: 'in_progress' | 'completed' | 'incomplete';
}

export type ResponseStatus = 'in_progress' | 'completed' | 'incomplete' | 'failed';

/** `length` and `filtered` end a response as `incomplete`, with OpenAI's reason. */
export function statusOf(finish: Finish): { status: 'completed' | 'incomplete'; reason: string | null } {
  if (finish.reason === 'length') return { status: 'incomplete', reason: 'max_output_tokens' };
  if (finish.reason === 'filtered') return { status: 'incomplete', reason: 'content_filter' };
  return { status: 'completed', reason: null };
}

/** Responses usage, always filled; `estimated: true` (our extension) when we counted ourselves. */
export function responsesUsage(usage: Usage): Record<string, unknown> {
  const input = usage.inputTokens ?? 0;
  const output = usage.outputTokens ?? 0;
  return {
    input_tokens: input,
    input_tokens_details: { cached_tokens: usage.cachedInputTokens ?? 0 },
    output_tokens: output,
    output_tokens_details: { reasoning_tokens: 0 },
    total_tokens: input + output,
    ...(usage.estimated ? { estimated: true } : {}),
  };
}

export function textPart(text: string): OutputTextPart {
  return { type: 'output_text', text, annotations: [], logprobs: [] };
}

/** The output items of a whole answer: the text message first, then each function call. */
export function outputOf(head: ResponseHead, result: ChatResult): OutputItem[] {
  const itemStatus = statusOf(result.finish).status;
  const output: OutputItem[] = [];
  if (result.text !== null && result.text !== '') {
    output.push({ type: 'message', id: `msg_${head.id.slice(5)}`, status: itemStatus, role: 'assistant', content: [textPart(result.text)] });
  }
  for (const [i, call] of result.toolCalls.entries()) {
    output.push({
      type: 'function_call',
      id: `fc_${head.id.slice(5)}_${i}`,
      call_id: call.id,
      name: call.name,
      arguments: call.arguments,
      status: 'completed',
    });
  }
  return output;
}

/** The response object, in any state: `usage` and `error` are null until there is one. */
export function responseObject(
  head: ResponseHead,
  state: {
    status: ResponseStatus;
    output: OutputItem[];
    usage: Usage | null;
    incompleteReason?: string | null;
    error?: { code: string; message: string } | null;
  },
): Record<string, unknown> {
  const { body, tools } = head.parsed;
  return {
    id: head.id,
    object: 'response',
    created_at: head.created,
    status: state.status,
    background: false,
    error: state.error ?? null,
    incomplete_details: state.incompleteReason == null ? null : { reason: state.incompleteReason },
    instructions: body.instructions ?? null,
    max_output_tokens: body.max_output_tokens ?? null,
    max_tool_calls: null,
    model: head.model,
    output: state.output,
    parallel_tool_calls: body.parallel_tool_calls ?? true,
    previous_response_id: body.previous_response_id ?? null,
    reasoning: { effort: null, summary: null },
    service_tier: 'default',
    store: body.store ?? true,
    temperature: body.temperature ?? 1,
    text: { format: body.text?.format ?? { type: 'text' } },
    tool_choice: body.tool_choice ?? 'auto',
    tools: tools.map((t) => ({
      type: 'function',
      name: t.name,
      description: t.description ?? null,
      parameters: t.parameters ?? null,
      strict: t.strict ?? null,
    })),
    top_logprobs: 0,
    top_p: body.top_p ?? 1,
    truncation: 'disabled',
    usage: state.usage === null ? null : responsesUsage(state.usage),
    user: body.user ?? null,
    metadata: body.metadata ?? {},
    ...(head.extension === undefined ? {} : { flambeau: head.extension }),
  };
}

/** The whole response of a non-streamed answer. */
export function completedResponse(head: ResponseHead, result: ChatResult): Record<string, unknown> {
  const { status, reason } = statusOf(result.finish);
  return responseObject(head, { status, output: outputOf(head, result), usage: result.usage, incompleteReason: reason });
}
