import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isPlainCompletion, parseOpenAiCompletion, parseOpenAiCompletionWithZod } from './openai-wire.js';

describe('parseOpenAiCompletion: the precompiled check of the plain answer', () => {
  const outcome = (parse: (text: string) => unknown, text: string): unknown => {
    try {
      return parse(text);
    } catch (error) {
      return { name: (error as Error).name, message: (error as Error).message };
    }
  };
  const answer = (choice: Record<string, unknown>, rest: Record<string, unknown> = {}): string =>
    JSON.stringify({ id: 'chatcmpl-1', object: 'chat.completion', created: 1, model: 'm', choices: [{ index: 0, ...choice }], ...rest });
  const usage = { prompt_tokens: 9, completion_tokens: 3, total_tokens: 12 };
  const call = { id: 'call_1', type: 'function', function: { name: 'f', arguments: '{}' } };
  // Read by the precompiled check.
  const plain = [
    answer({ message: { role: 'assistant', content: 'Hi', refusal: null }, finish_reason: 'stop', logprobs: null }, { usage }),
    answer({ message: { role: 'assistant', content: null, tool_calls: [call, { index: 1, function: null }] }, finish_reason: 'tool_calls' }),
    answer({ message: { content: 'x', tool_calls: null }, finish_reason: null }, { usage: null }),
    answer({ message: null }, { usage: { prompt_tokens: null, prompt_tokens_details: { cached_tokens: 4 } } }),
    answer({}, { usage: { prompt_tokens: 1, completion_tokens: 2, prompt_tokens_details: null } }),
    JSON.stringify({ choices: [{ message: { content: 'a' } }, { message: { content: 'b' }, finish_reason: 'length' }] }),
  ];
  // Sent to zod: some it accepts, some it refuses.
  const unusual = [
    answer({ message: { content: [{ type: 'thinking', thinking: '...' }] }, finish_reason: 'stop' }),
    answer({ message: { content: 42 }, finish_reason: 'stop' }),
    answer({ message: { content: 'x' }, finish_reason: 7 }),
    answer({ message: { content: 'x', tool_calls: {} } }),
    answer({ message: { content: 'x', tool_calls: [{ index: 1.5 }] } }),
    answer({ message: { content: 'x', tool_calls: [{ id: 3 }] } }),
    answer({ message: { content: 'x', tool_calls: [{ function: { name: 1 } }] } }),
    answer({ message: { content: 'x', tool_calls: [{ function: [] }] } }),
    answer({ message: { content: 'x', tool_calls: [null] } }),
    answer({ message: [] }),
    answer({ message: 'x' }),
    answer({ message: { content: 'x' } }, { usage: { prompt_tokens: '9' } }),
    answer({ message: { content: 'x' } }, { usage: { prompt_tokens_details: 'n/a' } }),
    answer({ message: { content: 'x' } }, { usage: [] }),
    '{"choices":[{"message":{"content":"x"}}],"usage":{"prompt_tokens":1e999}}',
    JSON.stringify({ choices: [{ message: { content: 'a' } }, { message: { content: 42 } }] }),
    JSON.stringify({ choices: [{ message: { content: 'a' } }, null] }),
    JSON.stringify({ choices: [] }),
    JSON.stringify({ choices: {} }),
    JSON.stringify({ object: 'chat.completion' }),
    JSON.stringify([{ choices: [{ message: { content: 'a' } }] }]),
    'null',
    '{"choices": [',
  ];

  it('reads a plain answer without zod, and sends anything else to zod', () => {
    for (const text of plain) assert.equal(isPlainCompletion(JSON.parse(text)), true, text);
    for (const text of unusual) {
      let raw: unknown;
      try {
        raw = JSON.parse(text);
      } catch {
        continue;
      }
      assert.equal(isPlainCompletion(raw), false, text);
    }
  });

  it('answers and refuses exactly as zod alone does', () => {
    for (const text of [...plain, ...unusual]) assert.deepEqual(outcome(parseOpenAiCompletion, text), outcome(parseOpenAiCompletionWithZod, text), text);
  });
});
