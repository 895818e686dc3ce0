import type { ChatResult, Finish, ToolCall, Usage } from '../../providers/spec.js';

/** Which of Ollama's two answer shapes: `/api/chat` (`message`) or `/api/generate` (`response`). */
export type OllamaKind = 'chat' | 'generate';

/** When the answer's phases happened, in epoch milliseconds: Ollama reports durations in nanoseconds. */
export interface OllamaTiming {
  startedAt: number;
  /** First content event; null when none came (or for a whole answer, where it is not observed). */
  firstTokenAt: number | null;
  endedAt: number;
}

const NS_PER_MS = 1_000_000;

/**
 * The closing fields of an answer. Durations are what the gateway measured: the time to the first
 * token stands for prompt evaluation, the rest for generation; nothing is loaded by us (`load_duration` 0).
 * Token counts the target did not report are left out rather than sent as zero.
 */
export function doneFields(finish: Finish, usage: Usage, timing: OllamaTiming): Record<string, unknown> {
  const firstAt = timing.firstTokenAt ?? timing.startedAt;
  return {
    done: true,
    done_reason: doneReason(finish),
    total_duration: Math.round((timing.endedAt - timing.startedAt) * NS_PER_MS),
    load_duration: 0,
    ...(usage.inputTokens === null ? {} : { prompt_eval_count: usage.inputTokens }),
    prompt_eval_duration: Math.round((firstAt - timing.startedAt) * NS_PER_MS),
    ...(usage.outputTokens === null ? {} : { eval_count: usage.outputTokens }),
    eval_duration: Math.round((timing.endedAt - firstAt) * NS_PER_MS),
  };
}

/** Ollama says `stop` for a finished answer (tool calls included) and `length` at the limit; other reasons keep their raw value. */
function doneReason(finish: Finish): string {
  if (finish.reason === 'stop' || finish.reason === 'tool-calls') return 'stop';
  if (finish.reason === 'length') return 'length';
  return finish.raw ?? finish.reason;
}

/** Ollama tool calls carry parsed arguments; arguments that are not a JSON object stay the raw text the model produced. */
export function wireToolCalls(calls: readonly ToolCall[]): Record<string, unknown>[] {
  return calls.map((call, index) => ({ id: call.id, function: { index, name: call.name, arguments: parsedArguments(call.arguments) } }));
}

function parsedArguments(text: string): unknown {
  try {
    const value: unknown = JSON.parse(text === '' ? '{}' : text);
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? value : text;
  } catch {
    return text;
  }
}

/** A whole (non-streamed) answer in the shape of its endpoint. */
export function ollamaAnswerBody(kind: OllamaKind, model: string, result: ChatResult, timing: OllamaTiming): Record<string, unknown> {
  const head: Record<string, unknown> = { model, created_at: new Date(timing.endedAt).toISOString() };
  if (kind === 'chat') {
    head.message = {
      role: 'assistant',
      content: result.text ?? '',
      ...(result.toolCalls.length === 0 ? {} : { tool_calls: wireToolCalls(result.toolCalls) }),
    };
  } else head.response = result.text ?? '';
  return { ...head, ...doneFields(result.finish, result.usage, timing), ...(kind === 'generate' ? { context: [] } : {}) };
}
