import type { ChatMessage, ChatRequest, ChatResult, Usage } from '../providers/spec.js';

/**
 * A rough token count for when an upstream reports none: ~4 characters per token for Latin text,
 * the usual rule of thumb for BPE tokenizers. Always flagged `estimated: true` to the caller.
 */
export function estimateTokens(text: string): number {
  return tokensForChars(text.length);
}

export function tokensForChars(chars: number): number {
  return chars === 0 ? 0 : Math.max(1, Math.ceil(chars / 4));
}

function messageText(message: ChatMessage): string {
  let text = '';
  const content = message.content;
  if (typeof content === 'string') text += content;
  else if (content !== null) for (const part of content) if (part.type === 'text') text += part.text;
  if (message.role === 'assistant' && message.toolCalls !== undefined) for (const call of message.toolCalls) text += call.name + call.arguments;
  return text;
}

export function estimateInputTokens(request: ChatRequest): number {
  // Each message costs a few template tokens on top of its text.
  let total = 3;
  for (const message of request.messages) total += 4 + estimateTokens(messageText(message));
  if (request.tools !== undefined) total += estimateTokens(JSON.stringify(request.tools));
  return total;
}

/** Fills the counts the upstream left unknown, marking the usage as estimated. */
export function completeUsage(usage: Usage, request: ChatRequest, outputChars: () => number): Usage {
  if (usage.inputTokens !== null && usage.outputTokens !== null) return usage;
  return {
    inputTokens: usage.inputTokens ?? estimateInputTokens(request),
    outputTokens: usage.outputTokens ?? tokensForChars(outputChars()),
    estimated: true,
  };
}

export function resultChars(result: ChatResult): number {
  let chars = result.text?.length ?? 0;
  for (const call of result.toolCalls) chars += call.name.length + call.arguments.length;
  return chars;
}
