// Text helpers shared by both protocols: deterministic token counts, delta splitting and the
// extraction of message text (what `echo` answers and what prompt tokens are counted on).
import { asRecord } from './plan.js';

/** Deterministic stand-in for a tokenizer: one token per run of non-space characters. */
export function countTokens(text: string): number {
  return text.match(/\S+/g)?.length ?? 0;
}

/** Tokens of a tool call as the stand-in counts them: its name plus the words of its arguments. */
export function countToolCallTokens(calls: readonly { arguments: string }[]): number {
  return calls.reduce((sum, call) => sum + 1 + countTokens(call.arguments), 0);
}

/**
 * Splits text into streamed deltas. By default one word with its leading whitespace, like the
 * tokens real models emit (`'Hello'`, `' from'`, …); joining the pieces gives the text back.
 */
export function splitDeltas(text: string, chunkSize: number | undefined): string[] {
  if (text === '') return [];
  if (chunkSize !== undefined && chunkSize > 0) return splitEvery(text, chunkSize);
  return text.match(/\s*\S+|\s+/g) ?? [text];
}

/** Tool arguments have no spaces to split on, so they go in fixed-size fragments (8 by default). */
export function splitArguments(json: string, chunkSize: number | undefined): string[] {
  return splitEvery(json, chunkSize !== undefined && chunkSize > 0 ? chunkSize : 8);
}

function splitEvery(text: string, size: number): string[] {
  // Split on code points so a surrogate pair never lands in two deltas.
  const chars = Array.from(text);
  const out: string[] = [];
  for (let i = 0; i < chars.length; i += size) out.push(chars.slice(i, i + size).join(''));
  return out;
}

/** Text of an OpenAI `content`: a string, or parts of which the text ones count. */
function openAiContentText(content: unknown): string[] {
  if (typeof content === 'string') return content === '' ? [] : [content];
  if (!Array.isArray(content)) return [];
  return content.flatMap((part) => {
    const p = asRecord(part);
    return typeof p.text === 'string' && p.text !== '' ? [p.text] : [];
  });
}

/** Every message's text (system, developer, user, assistant, tool), in order. */
export function openAiMessageTexts(body: unknown): string[] {
  const messages = asRecord(body).messages;
  if (!Array.isArray(messages)) return [];
  return messages.flatMap((m) => openAiContentText(asRecord(m).content));
}

/** Text of Anthropic content: a string, text blocks, and the text inside tool_result blocks. */
function anthropicContentText(content: unknown): string[] {
  if (typeof content === 'string') return content === '' ? [] : [content];
  if (!Array.isArray(content)) return [];
  return content.flatMap((block) => {
    const b = asRecord(block);
    if (b.type === 'text' && typeof b.text === 'string') return b.text === '' ? [] : [b.text];
    if (b.type === 'tool_result') return anthropicContentText(b.content);
    return [];
  });
}

/** The `system` field first, then every message's text, in order. */
export function anthropicMessageTexts(body: unknown): string[] {
  const request = asRecord(body);
  const messages = Array.isArray(request.messages) ? request.messages : [];
  return [...anthropicContentText(request.system), ...messages.flatMap((m) => anthropicContentText(asRecord(m).content))];
}
