import type { ChatResult, Finish, Usage } from '../../providers/spec.js';
import { toolInput } from './messages-wire.js';

/** Stop reasons of the Messages API: when an Anthropic upstream gave one, it goes back unchanged. */
const ANTHROPIC_STOP_REASONS = new Set(['end_turn', 'max_tokens', 'stop_sequence', 'tool_use', 'pause_turn', 'refusal', 'model_context_window_exceeded']);

/** Our finish → Anthropic's `stop_reason`; the upstream's raw value when it is one of Anthropic's. */
export function stopReason(finish: Finish): string {
  if (finish.raw !== undefined && ANTHROPIC_STOP_REASONS.has(finish.raw)) return finish.raw;
  switch (finish.reason) {
    case 'length':
      return 'max_tokens';
    case 'tool-calls':
      return 'tool_use';
    case 'filtered':
      return 'refusal';
    case 'stop':
    case 'other':
      return 'end_turn';
  }
}

/**
 * Anthropic usage. Unknown counts are 0 (the SDKs need numbers); `estimated: true` (our extension,
 * as on chat) when the gateway counted. As Anthropic counts them, `input_tokens` leaves out the
 * tokens read from a prompt cache (`cache_read_input_tokens`, when the target said how many); cache
 * writes are folded into `input_tokens` by the spine.
 */
export function messagesUsage(usage: Usage): Record<string, unknown> {
  const cached = usage.inputTokens === null ? undefined : usage.cachedInputTokens;
  return {
    input_tokens: (usage.inputTokens ?? 0) - (cached ?? 0),
    output_tokens: usage.outputTokens ?? 0,
    cache_creation_input_tokens: null,
    cache_read_input_tokens: cached ?? null,
    ...(usage.estimated ? { estimated: true } : {}),
  };
}

/** Tool ids of upstreams that gave none: unique within the answer, as Anthropic's `toolu_…`. */
export function toolUseId(messageId: string, index: number): string {
  return `toolu_${messageId.replace(/^msg_/, '')}_${index}`;
}

export function messageBody(id: string, model: string, result: ChatResult): Record<string, unknown> {
  const content: Record<string, unknown>[] = [];
  if (result.text !== null && result.text !== '') content.push({ type: 'text', text: result.text });
  result.toolCalls.forEach((call, i) => {
    content.push({ type: 'tool_use', id: call.id === '' ? toolUseId(id, i) : call.id, name: call.name, input: toolInput(call.arguments) });
  });
  return {
    id,
    type: 'message',
    role: 'assistant',
    model,
    content,
    stop_reason: stopReason(result.finish),
    stop_sequence: null,
    usage: messagesUsage(result.usage),
  };
}
