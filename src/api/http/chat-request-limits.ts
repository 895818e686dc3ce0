import { FlambeauError } from '../../errors/index.js';

/**
 * How many items one chat request may carry, checked on the raw body before any of them is
 * parsed, scanned or counted: the work a request costs is then bounded by these numbers, not by
 * whatever fits in `server.body_limit_bytes`. The limits sit far above real use:
 * - messages: 10,000. Long agent runs stay in the hundreds to low thousands; 10,000 messages of a
 *   single token each would already be a 10k-token prompt of nothing but message headers.
 * - content parts: 1,000 per message and 10,000 in all (OpenAI takes up to 500 images in one request).
 * - tool calls per assistant message and tools per request: 128, OpenAI's own documented limits.
 */
export const CHAT_LIMITS = { messages: 10_000, contentParts: 1_000, contentPartsInAll: 10_000, toolCalls: 128, tools: 128 } as const;

/** Throws `invalid_request` naming the first array over its limit; leaves everything else to the schema. */
export function checkChatCounts(body: Record<string, unknown>): void {
  const { messages, tools } = body;
  if (Array.isArray(messages)) {
    tooLong('messages', messages, CHAT_LIMITS.messages);
    let parts = 0;
    for (const [i, message] of messages.entries()) {
      if (message === null || typeof message !== 'object') continue;
      const { content, tool_calls: toolCalls } = message as Record<string, unknown>;
      if (Array.isArray(content)) {
        tooLong(`messages[${i}].content`, content, CHAT_LIMITS.contentParts);
        parts += content.length;
        if (parts > CHAT_LIMITS.contentPartsInAll) {
          throw new FlambeauError('invalid_request', `Invalid 'messages': more than ${CHAT_LIMITS.contentPartsInAll} content parts in all.`, {
            param: 'messages',
            details: { maxContentParts: CHAT_LIMITS.contentPartsInAll },
          });
        }
      }
      if (Array.isArray(toolCalls)) tooLong(`messages[${i}].tool_calls`, toolCalls, CHAT_LIMITS.toolCalls);
    }
  }
  if (Array.isArray(tools)) tooLong('tools', tools, CHAT_LIMITS.tools);
}

// OpenAI's wording for the same refusal (`array_above_max_length`), so clients and people recognise it.
function tooLong(param: string, array: unknown[], max: number): void {
  if (array.length <= max) return;
  throw new FlambeauError(
    'invalid_request',
    `Invalid '${param}': array too long. Expected an array with maximum length ${max}, but got an array with length ${array.length} instead.`,
    {
      param,
      details: { maxLength: max, length: array.length },
    },
  );
}
