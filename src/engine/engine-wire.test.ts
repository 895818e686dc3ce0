import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { FromWorker } from './engine-protocol.js';
import { checkFromWorker } from './engine-wire.js';

const valid: FromWorker[] = [
  { t: 'ready', pid: 1234 },
  { t: 'fatal', error: { code: 'engine_unavailable', message: 'no binary' } },
  { t: 'log', level: 'warn', message: 'llama.cpp says' },
  { t: 'loaded', key: '["/m.gguf",null,1,1]' },
  { t: 'unloaded', key: '["/m.gguf",null,1,1]' },
  { t: 'threads', key: 'k', chat: 1, embedding: null },
  {
    t: 'events',
    id: 7,
    events: [
      { type: 'start', promptTokens: 10, cachedPromptTokens: 2, contextSize: 512 },
      { type: 'text', text: 'Bonjour' },
      { type: 'tool-call', index: 0, name: 'getWeather', argsDelta: '{}' },
      { type: 'end', stopReason: 'functionCalls', usage: { inputTokens: 10, cachedInputTokens: 2, outputTokens: 3 } },
    ],
  },
  { t: 'embedded', id: 8, vectors: [new Float32Array([0.5, 0.25])], inputTokens: 4 },
  { t: 'load-done', id: 9 },
  { t: 'failed', id: 10, error: { code: 'invalid_request', message: 'too long', details: { tokens: 9000 }, param: 'messages' }, usage: null },
];

describe('engine wire schema', () => {
  it('accepts every message the engine process sends', () => {
    for (const message of valid) assert.deepEqual(checkFromWorker(message), { ok: true, message }, message.t);
  });

  const malformed: [string, unknown, RegExp][] = [
    ['not an object', 'hello', /\(message\)/],
    ['an unknown kind', { t: 'surprise', id: 1 }, /^t: /],
    ['text that is not a string', { t: 'events', id: 1, events: [{ type: 'text', text: 42 }] }, /^events\.0\.text: invalid_type/],
    ['an unknown event type', { t: 'events', id: 1, events: [{ type: 'reasoning', text: 'x' }] }, /^events\.0\.type: /],
    ['an empty batch', { t: 'events', id: 1, events: [] }, /^events: too_small/],
    [
      'a negative token count',
      { t: 'failed', id: 1, error: { code: 'internal', message: 'x' }, usage: { inputTokens: -1, cachedInputTokens: 0, outputTokens: 0 } },
      /usage\.inputTokens/,
    ],
    ['an error code outside the table', { t: 'failed', id: 1, error: { code: 'oops', message: 'x' }, usage: null }, /^error\.code: invalid_value/],
    [
      'an unknown stop reason',
      { t: 'events', id: 1, events: [{ type: 'end', stopReason: 'tired', usage: { inputTokens: 1, cachedInputTokens: 0, outputTokens: 1 } }] },
      /stopReason/,
    ],
    ['vectors as plain arrays', { t: 'embedded', id: 1, vectors: [[0.5]], inputTokens: 1 }, /^vectors\.0: custom/],
    ['a fractional id', { t: 'load-done', id: 1.5 }, /^id: /],
  ];
  for (const [what, message, reason] of malformed) {
    it(`refuses ${what}, naming the path but not the value`, () => {
      const checked = checkFromWorker(message);
      assert.equal(checked.ok, false);
      assert.ok(!checked.ok);
      assert.match(checked.reason, reason);
      assert.doesNotMatch(checked.reason, /42|tired|oops|reasoning/);
    });
  }
});
