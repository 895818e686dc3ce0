import { FlambeauError } from '../errors/index.js';
import type { Findings } from '../privacy/index.js';
import type { ChatMessage, ChatRequest, ChatResult, Usage } from '../providers/spec.js';

/**
 * A rough token count for when an upstream reports none: ~4 characters per token for Latin text,
 * the usual rule of thumb for BPE tokenizers. Always flagged `estimated: true` to the caller.
 * An estimate, never a bound: a caller chooses the text (see `inputTokenBound`).
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

/** Routing's `tokens` fact and the rate limiter's guess: an estimate of the text, not a bound. */
export function estimateInputTokens(request: ChatRequest): number {
  // Each message costs a few template tokens on top of its text.
  let total = 3;
  for (const message of request.messages) total += 4 + estimateTokens(messageText(message));
  if (request.tools !== undefined) total += estimateTokens(jsonOf(request.tools));
  return total;
}

/**
 * JSON text of a client's value. JSON.parse accepts nesting that JSON.stringify cannot write back
 * (it recurses: ~10,000 levels exhaust the stack), and no provider could be sent such a request:
 * that is the caller's mistake, a 400, not a 500.
 */
function jsonOf(value: unknown): string {
  try {
    return JSON.stringify(value);
  } catch (error) {
    if (error instanceof RangeError) throw new FlambeauError('invalid_request', 'The request is nested too deeply to be sent upstream.');
    throw error;
  }
}

/** Tokens a chat template adds around the whole request (priming, tool preamble): real templates use under 10. */
export const REQUEST_TEMPLATE_TOKENS = 16;
/** Tokens a chat template adds around one message or one tool (role markers, separators): real templates use 3–7. */
export const ITEM_TEMPLATE_TOKENS = 8;
/**
 * The most a provider bills for one image, whatever its size: OpenAI ≤ 1,445 (gpt-4o high
 * detail, 8 tiles) and ≤ 3,779 (1,536 patches × 2.46, gpt-4.1-nano); Anthropic ≈ 1,600 (images
 * are resized to ~1.15 megapixels). With margin. A provider that tiles without limit is not
 * covered: see docs/decisions/0004-budget-hold-bound.md.
 */
export const IMAGE_TOKEN_BOUND = 6_000;
/** What a placeholder adds beyond its type name: `<`, `_`, up to 10 digits, `>`. */
const PLACEHOLDER_EXTRA_BYTES = 13;

/**
 * An upper bound on the input tokens any upstream can bill for `request`, for the budget hold
 * (docs/decisions/0004). Byte-level BPE tokenizers (GPT, Llama 3, Mistral) and SentencePiece with
 * byte fallback never make more tokens than UTF-8 bytes, so the bound is the byte length of the
 * whole request as JSON: every string a provider serialises (messages, names, tool calls and
 * definitions, response format, stop, user, passthrough fields, image URLs) with JSON's quotes and
 * keys as slack for the template tokens around them; plus a per-message, per-tool and per-image
 * allowance, and what pseudonymisation may add (each finding becomes a placeholder such as
 * `<EMAIL_12>`, possibly longer than the value it replaces).
 */
export function inputTokenBound(request: ChatRequest, findings: Findings = {}): number {
  let bound = Buffer.byteLength(jsonOf(request), 'utf8') + REQUEST_TEMPLATE_TOKENS;
  for (const message of request.messages) {
    bound += ITEM_TEMPLATE_TOKENS;
    if (Array.isArray(message.content)) for (const part of message.content) if (part.type === 'image') bound += IMAGE_TOKEN_BOUND;
  }
  bound += (request.tools?.length ?? 0) * ITEM_TEMPLATE_TOKENS;
  return bound + placeholderBytes(findings);
}

/** The same bound for embedding inputs: bytes of each text, its special tokens, and what placeholders may add. */
export function embedInputTokenBound(inputs: readonly string[], findings: Findings = {}): number {
  let bound = 0;
  for (const text of inputs) bound += Buffer.byteLength(text, 'utf8') + ITEM_TEMPLATE_TOKENS;
  return bound + placeholderBytes(findings);
}

function placeholderBytes(findings: Findings): number {
  let bytes = 0;
  for (const [type, count] of Object.entries(findings)) bytes += count * (Buffer.byteLength(type, 'utf8') + PLACEHOLDER_EXTRA_BYTES);
  return bytes;
}

/** Fills the counts the upstream left unknown, marking the usage as estimated. */
export function completeUsage(usage: Usage, request: ChatRequest, outputChars: () => number): Usage {
  if (usage.inputTokens !== null && usage.outputTokens !== null) return usage;
  return {
    inputTokens: usage.inputTokens ?? estimateInputTokens(request),
    outputTokens: usage.outputTokens ?? tokensForChars(outputChars()),
    estimated: true,
    // A cached count is only meaningful beside the input count it is part of.
    ...(usage.inputTokens !== null && usage.cachedInputTokens !== undefined ? { cachedInputTokens: usage.cachedInputTokens } : {}),
  };
}

export function resultChars(result: ChatResult): number {
  let chars = result.text?.length ?? 0;
  for (const call of result.toolCalls) chars += call.name.length + call.arguments.length;
  return chars;
}
