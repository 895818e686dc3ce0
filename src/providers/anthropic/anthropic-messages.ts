import { FlambeauError } from '../../errors/index.js';
import type { ChatMessage, ContentPart, TextPart, Warning } from '../spec.js';
import { parseToolInput } from './anthropic-wire.js';

/** A content block we send in `messages[].content` (text, image, tool_use, tool_result). */
export type AnthropicInputBlock = Record<string, unknown> & { type: string };

export interface AnthropicTurn {
  role: 'user' | 'assistant';
  /** A lone text block goes out as a plain string, the common case; anything else as blocks. */
  content: string | AnthropicInputBlock[];
}

export interface AnthropicConversation {
  /** Every system message, in order: one string, or text blocks when there were several. */
  system: string | { type: 'text'; text: string }[] | undefined;
  messages: AnthropicTurn[];
}

/** Image types the Messages API accepts in a base64 source. */
const BASE64_MEDIA_TYPES = new Set(['image/jpeg', 'image/png', 'image/gif', 'image/webp']);

/**
 * Our messages → Anthropic's `system` + alternating user/assistant turns. Anthropic wants strict
 * alternation, so consecutive same-role messages merge into one turn (tool results ride in user
 * turns, hence several tool messages in a row become one user turn). Empty text blocks are
 * dropped: the API rejects them.
 */
export function toAnthropicConversation(messages: ChatMessage[], warn: (warning: Warning) => void): AnthropicConversation {
  const system: string[] = [];
  const turns: { role: 'user' | 'assistant'; blocks: AnthropicInputBlock[] }[] = [];
  const push = (role: 'user' | 'assistant', blocks: AnthropicInputBlock[]): void => {
    if (blocks.length === 0) return;
    const last = turns.at(-1);
    if (last !== undefined && last.role === role) last.blocks.push(...blocks);
    else turns.push({ role, blocks: [...blocks] });
  };
  messages.forEach((message, index) => {
    if ('name' in message && message.name !== undefined) {
      warn({ kind: 'unsupported', setting: 'messages.name', detail: 'Anthropic messages carry no author name; it was left out.' });
    }
    switch (message.role) {
      case 'system':
        system.push(textOf(message.content));
        return;
      case 'user':
        push('user', userBlocks(message.content, index, warn));
        return;
      case 'assistant':
        push('assistant', assistantBlocks(message, index));
        return;
      case 'tool':
        push('user', [toolResultBlock(message.toolCallId, message.content)]);
        return;
    }
  });
  if (turns.length === 0) {
    throw new FlambeauError('invalid_request', 'Anthropic needs at least one user or assistant message with content.', { param: 'messages' });
  }
  return {
    system: system.length === 0 ? undefined : system.length === 1 ? system[0] : system.map((text) => ({ type: 'text' as const, text })),
    messages: turns.map(({ role, blocks }) => {
      const only = blocks.length === 1 ? blocks[0] : undefined;
      return { role, content: only?.type === 'text' && typeof only.text === 'string' ? only.text : blocks };
    }),
  };
}

function textOf(content: string | TextPart[]): string {
  return typeof content === 'string' ? content : content.map((part) => part.text).join('');
}

function textBlocks(content: string | TextPart[]): AnthropicInputBlock[] {
  const parts = typeof content === 'string' ? [content] : content.map((part) => part.text);
  return parts.filter((text) => text !== '').map((text) => ({ type: 'text', text }));
}

function userBlocks(content: string | ContentPart[], index: number, warn: (warning: Warning) => void): AnthropicInputBlock[] {
  if (typeof content === 'string') return textBlocks(content);
  const blocks: AnthropicInputBlock[] = [];
  for (const part of content) {
    if (part.type === 'text') blocks.push(...textBlocks(part.text));
    else {
      if (part.detail !== undefined && part.detail !== 'auto') {
        warn({ kind: 'unsupported', setting: 'image.detail', detail: 'Anthropic chooses the image resolution itself.' });
      }
      blocks.push({ type: 'image', source: imageSource(part.url, index) });
    }
  }
  return blocks;
}

function imageSource(url: string, index: number): Record<string, string> {
  if (/^https?:\/\//i.test(url)) return { type: 'url', url };
  if (url.startsWith('data:')) {
    const comma = url.indexOf(',');
    const header = comma === -1 ? [] : url.slice(5, comma).split(';');
    const mediaType = header[0]?.trim().toLowerCase() ?? '';
    if (comma !== -1 && header.slice(1).includes('base64') && BASE64_MEDIA_TYPES.has(mediaType)) {
      return { type: 'base64', media_type: mediaType, data: url.slice(comma + 1) };
    }
    throw new FlambeauError(
      'invalid_request',
      `messages[${index}]: an image data URL must be base64 and one of ${[...BASE64_MEDIA_TYPES].join(', ')} for Anthropic.`,
      { param: `messages[${index}].content` },
    );
  }
  throw new FlambeauError('invalid_request', `messages[${index}]: an image URL must be http(s) or a data: URL.`, { param: `messages[${index}].content` });
}

function assistantBlocks(message: Extract<ChatMessage, { role: 'assistant' }>, index: number): AnthropicInputBlock[] {
  const blocks = message.content === null ? [] : textBlocks(message.content);
  (message.toolCalls ?? []).forEach((call, callIndex) => {
    const input = parseToolInput(call.arguments);
    if (input === undefined) {
      throw new FlambeauError(
        'invalid_request',
        `messages[${index}].toolCalls[${callIndex}].arguments is not a JSON object; Anthropic needs the tool input as an object.`,
        { param: `messages[${index}].tool_calls[${callIndex}].function.arguments` },
      );
    }
    blocks.push({ type: 'tool_use', id: call.id, name: call.name, input });
  });
  return blocks;
}

function toolResultBlock(toolCallId: string, content: string | TextPart[]): AnthropicInputBlock {
  const block: AnthropicInputBlock = { type: 'tool_result', tool_use_id: toolCallId };
  if (typeof content === 'string') {
    if (content !== '') block.content = content;
  } else {
    const blocks = textBlocks(content);
    if (blocks.length > 0) block.content = blocks;
  }
  return block;
}
