import type { ChatHistoryItem, ChatModelFunctionCall, ChatModelResponse } from 'node-llama-cpp';
import { FlambeauError } from '../../errors/index.js';
import type { ChatMessage, ContentPart, Warning } from '../spec.js';
import { jsonOrText } from './llamacpp-wire.js';

/**
 * Our messages -> node-llama-cpp's chat history. An assistant turn with tool calls becomes a
 * model response with `functionCall` items; the `tool` messages that follow fill in their
 * results, and an assistant message after them continues the same model response (that is how
 * node-llama-cpp renders a call, its result and the answer). Tool-call ids do not reach the
 * model: they only pair calls with results.
 */
export function toChatHistory(messages: ChatMessage[], model: string, warnings: Warning[]): ChatHistoryItem[] {
  const history: ChatHistoryItem[] = [];
  const calls = new Map<string, ChatModelFunctionCall>();
  const answered = new Set<string>();
  let afterToolResult = false;
  let namesIgnored = false;

  messages.forEach((message, index) => {
    if ('name' in message && message.name !== undefined) namesIgnored = true;
    switch (message.role) {
      case 'system':
        history.push({ type: 'system', text: textOf(message.content, model, index) });
        break;
      case 'user':
        history.push({ type: 'user', text: textOf(message.content, model, index) });
        break;
      case 'assistant': {
        const previous = history.at(-1);
        const response: ChatModelResponse = afterToolResult && previous?.type === 'model' ? previous : { type: 'model', response: [] };
        if (response !== previous) history.push(response);
        const text = message.content === null ? '' : textOf(message.content, model, index);
        if (text.length > 0) response.response.push(text);
        for (const call of message.toolCalls ?? []) {
          const item: ChatModelFunctionCall = { type: 'functionCall', name: call.name, params: jsonOrText(call.arguments), result: undefined };
          calls.set(call.id, item);
          response.response.push(item);
        }
        break;
      }
      case 'tool': {
        const call = calls.get(message.toolCallId);
        if (!call) {
          throw new FlambeauError('invalid_request', `messages[${index}]: no earlier assistant tool call has the id '${message.toolCallId}'.`, {
            param: `messages[${index}].tool_call_id`,
          });
        }
        call.result = jsonOrText(textOf(message.content, model, index));
        answered.add(message.toolCallId);
        break;
      }
    }
    afterToolResult = message.role === 'tool' || (afterToolResult && message.role === 'assistant');
  });

  for (const id of calls.keys()) {
    if (!answered.has(id)) {
      throw new FlambeauError('invalid_request', `The assistant tool call '${id}' has no tool message with its result.`, { param: 'messages' });
    }
  }
  if (namesIgnored) warnings.push({ kind: 'unsupported', setting: 'messages.name', detail: 'participant names are not shown to local models' });
  return history;
}

/** Text parts join with a newline; an image cannot reach a text-only GGUF model. */
function textOf(content: string | ContentPart[], model: string, index: number): string {
  if (typeof content === 'string') return content;
  return content
    .map((part) => {
      if (part.type === 'text') return part.text;
      throw new FlambeauError('invalid_request', `messages[${index}]: model '${model}' does not accept images.`, {
        param: `messages[${index}].content`,
      });
    })
    .join('\n');
}
