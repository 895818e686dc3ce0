import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ChatRequest } from '../providers/spec.js';
import { embedInputTokenBound, estimateInputTokens, IMAGE_TOKEN_BOUND, inputTokenBound } from './usage-estimate.js';

const bytes = (text: string) => Buffer.byteLength(text, 'utf8');
const base: ChatRequest = { model: 'm', messages: [{ role: 'user', content: 'hi' }] };

describe('inputTokenBound', () => {
  it('grows by at least the UTF-8 bytes of every string forwarded, wherever it sits', () => {
    const big = 'é€𝄞x'.repeat(1000); // 1-, 2-, 3- and 4-byte characters
    const variants: [string, ChatRequest][] = [
      ['content', { ...base, messages: [{ role: 'user', content: big }] }],
      ['name', { ...base, messages: [{ role: 'user', content: 'hi', name: big }] }],
      ['tool description', { ...base, tools: [{ name: 't', description: big }] }],
      ['tool parameters', { ...base, tools: [{ name: 't', parameters: { properties: { [big]: { type: 'string' } } } }] }],
      ['tool call arguments', { ...base, messages: [{ role: 'assistant', content: null, toolCalls: [{ id: 'c', name: 't', arguments: big }] }] }],
      ['response format', { ...base, responseFormat: { type: 'json_schema', name: 'x', schema: { description: big } } }],
      ['stop', { ...base, stop: [big] }],
      ['user', { ...base, user: big }],
      ['unknown field', { ...base, passthrough: { prediction: { content: big } } }],
    ];
    // Less the 2 bytes of the base's "hi", which some variants replace.
    for (const [where, request] of variants) assert.ok(inputTokenBound(request) - inputTokenBound(base) >= bytes(big) - 2, where);
  });

  it('counts an image by the most a provider bills for one, plus its URL', () => {
    const url = `data:image/png;base64,${'A'.repeat(39_978)}`;
    const withImage: ChatRequest = { ...base, messages: [{ role: 'user', content: [{ type: 'image', url }] }] };
    assert.ok(inputTokenBound(withImage) >= url.length + IMAGE_TOKEN_BOUND);
    assert.ok(estimateInputTokens(withImage) < 10, 'the routing estimate ignores images: it is not a bound');
  });

  it('allows for placeholders longer than the values they replace', () => {
    assert.equal(inputTokenBound(base, { PERSON: 10 }) - inputTokenBound(base), 10 * ('PERSON'.length + 13));
    assert.equal(embedInputTokenBound(['ab'], { EMAIL: 1 }), 2 + 8 + 'EMAIL'.length + 13);
  });
});
