import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ChatResult } from '../../providers/spec.js';
import { chatCompletionJson, wireFinish, wireUsage, wireUsageJson } from './chat-completion-response.js';

describe('chatCompletionJson', () => {
  // The answer as the object it describes, stringified: the bytes clients saw before it was written directly.
  const asObject = (id: string, created: number, model: string, result: ChatResult, extension?: Record<string, unknown>): string => {
    const message: Record<string, unknown> = { role: 'assistant', content: result.text, refusal: null };
    if (result.toolCalls.length > 0)
      message.tool_calls = result.toolCalls.map((call) => ({ id: call.id, type: 'function', function: { name: call.name, arguments: call.arguments } }));
    const body: Record<string, unknown> = {
      id,
      object: 'chat.completion',
      created,
      model,
      choices: [{ index: 0, message, logprobs: null, finish_reason: wireFinish(result.finish) }],
      usage: wireUsage(result.usage),
      system_fingerprint: null,
    };
    if (extension !== undefined) body.flambeau = extension;
    return JSON.stringify(body);
  };
  const result = (over: Partial<ChatResult>): ChatResult => ({
    text: 'Hello "there"\n\u2028é😀',
    toolCalls: [],
    finish: { reason: 'stop', raw: 'stop' },
    usage: { inputTokens: 9, outputTokens: 3, estimated: false },
    warnings: [],
    ...over,
  });

  it('writes the same bytes as stringifying the answer object', () => {
    const cases: [ChatResult, Record<string, unknown> | undefined][] = [
      [result({}), undefined],
      [result({ text: null, toolCalls: [{ id: 'call_1', name: 'f', arguments: '{"a":1}' }], finish: { reason: 'tool-calls' } }), undefined],
      [result({ text: '', finish: { reason: 'other', raw: 'weird' }, usage: { inputTokens: null, outputTokens: null, estimated: true } }), undefined],
      [result({ usage: { inputTokens: 2006, outputTokens: 300, estimated: false, cachedInputTokens: 1920 }, finish: { reason: 'filtered' } }), undefined],
      [result({ finish: { reason: 'length' } }), { citations: [{ id: 1, source: 'a.md' }], retrieved: 2, degraded: undefined }],
    ];
    for (const [r, extension] of cases) {
      assert.equal(
        chatCompletionJson('chatcmpl-x"y', 1733300000, 'cloud/m\u0000', r, extension),
        asObject('chatcmpl-x"y', 1733300000, 'cloud/m\u0000', r, extension),
      );
    }
  });

  it('writes usage as stringifying wireUsage does, odd numbers included', () => {
    const usages = [
      { inputTokens: 9, outputTokens: 3, estimated: false },
      { inputTokens: null, outputTokens: null, estimated: true },
      { inputTokens: 2006, outputTokens: 300, estimated: false, cachedInputTokens: 1920 },
      { inputTokens: 0, outputTokens: 1e21, estimated: true, cachedInputTokens: 0 },
      { inputTokens: Number.NaN, outputTokens: -0, estimated: false },
      { inputTokens: 1.5, outputTokens: Number.POSITIVE_INFINITY, estimated: false },
    ];
    for (const usage of usages) assert.equal(wireUsageJson(usage), JSON.stringify(wireUsage(usage)));
  });
});
