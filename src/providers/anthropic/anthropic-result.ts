import type { ChatResult, ToolCall, Warning } from '../spec.js';
import { fromAnthropicStopReason, fromAnthropicUsage, type AnthropicMessage } from './anthropic-wire.js';

/**
 * A non-streamed Anthropic `Message` → our ChatResult. Text blocks join into `text`; `tool_use`
 * blocks become tool calls with their input re-serialised as the arguments text, except the
 * forced JSON-answer tool (responseFormat emulation), whose input becomes the text.
 */
export function fromAnthropicMessage(message: AnthropicMessage, warnings: Warning[], jsonToolName: string | undefined): ChatResult {
  const texts: string[] = [];
  const toolCalls: ToolCall[] = [];
  for (const block of message.content) {
    if (block.type === 'text' && block.text !== undefined) texts.push(block.text);
    else if (block.type === 'tool_use' && jsonToolName !== undefined && block.name === jsonToolName) texts.push(JSON.stringify(block.input ?? {}));
    else if (block.type === 'tool_use') {
      toolCalls.push({ id: block.id ?? `toolu_${toolCalls.length}`, name: block.name ?? '', arguments: JSON.stringify(block.input ?? {}) });
    }
    // thinking, redacted_thinking and server tool blocks are not part of our result.
  }
  let finish = fromAnthropicStopReason(message.stop_reason);
  if (finish.reason === 'tool-calls' && toolCalls.length === 0 && jsonToolName !== undefined) finish = { reason: 'stop', raw: finish.raw };
  return {
    text: texts.length === 0 ? null : texts.join(''),
    toolCalls,
    finish,
    usage: fromAnthropicUsage(message.usage),
    warnings,
  };
}
