import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ChatRequest, ChatResult } from '../providers/spec.js';
import { escalationReason } from './escalation-checks.js';

const ALL = ['invalid_json', 'refusal', 'low_confidence'] as const;
const req: ChatRequest = { model: 'm', messages: [{ role: 'user', content: 'q' }] };
const result = (text: string | null, over: Partial<ChatResult> = {}): ChatResult => ({
  text,
  toolCalls: [],
  finish: { reason: 'stop' },
  usage: { inputTokens: 1, outputTokens: 1, estimated: false },
  warnings: [],
  ...over,
});

describe('cascade escalation checks', () => {
  it('keeps a good answer', () => assert.equal(escalationReason(req, result('Paris is the capital of France.'), ALL), null));
  it('invalid JSON when JSON was asked', () => {
    const json: ChatRequest = { ...req, responseFormat: { type: 'json_object' } };
    assert.equal(escalationReason(json, result('{"a": 1'), ALL), 'invalid_json');
    assert.equal(escalationReason(json, result('{"a": 1}'), ALL), null);
    assert.equal(escalationReason(req, result(null, { toolCalls: [{ id: 'c', name: 'f', arguments: '{oops' }] }), ALL), 'invalid_json');
  });
  it('refusals in English and French', () => {
    assert.equal(escalationReason(req, result("I'm sorry, but I can't help with that."), ALL), 'refusal');
    assert.equal(escalationReason(req, result('Je ne peux pas répondre à cette question.'), ALL), 'refusal');
    assert.equal(escalationReason(req, result('ok', { finish: { reason: 'filtered' } }), ALL), 'refusal');
  });
  it('low confidence: truncated, empty or hedging', () => {
    assert.equal(escalationReason(req, result('The answer is', { finish: { reason: 'length' } }), ALL), 'low_confidence');
    assert.equal(escalationReason(req, result('  '), ALL), 'low_confidence');
    assert.equal(escalationReason(req, result("Honestly, I'm not sure about this one."), ALL), 'low_confidence');
    assert.equal(escalationReason(req, result('Je ne sais pas.'), ALL), 'low_confidence');
  });
  it('only the checks the route lists', () => {
    assert.equal(escalationReason(req, result("I'm sorry, I cannot."), ['invalid_json']), null);
  });
});
