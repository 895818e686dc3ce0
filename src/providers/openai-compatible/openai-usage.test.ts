import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fromOpenAiUsage } from './openai-wire.js';

describe('fromOpenAiUsage', () => {
  it("reads the prompt tokens served from the upstream's cache", () => {
    assert.deepEqual(fromOpenAiUsage({ prompt_tokens: 2006, completion_tokens: 300, prompt_tokens_details: { cached_tokens: 1920 } }), {
      inputTokens: 2006,
      outputTokens: 300,
      estimated: false,
      cachedInputTokens: 1920,
    });
  });

  it('leaves the count out when the upstream did not give a whole number', () => {
    for (const details of [undefined, null, {}, { cached_tokens: null }, { cached_tokens: '12' }, { cached_tokens: -1 }, { cached_tokens: 1.5 }]) {
      const usage = fromOpenAiUsage({ prompt_tokens: 10, completion_tokens: 2, prompt_tokens_details: details as never });
      assert.equal('cachedInputTokens' in usage, false, JSON.stringify(details));
    }
    assert.deepEqual(fromOpenAiUsage(null), { inputTokens: null, outputTokens: null, estimated: false });
  });
});
