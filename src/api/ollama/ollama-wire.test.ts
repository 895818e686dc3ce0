import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FlambeauError } from '../../errors/index.js';
import { parseOllamaChat, parseOllamaGenerate } from './ollama-wire.js';

const user = [{ role: 'user', content: 'hi' }];
const rejects = (body: unknown, param: string) =>
  assert.throws(
    () => parseOllamaChat(body),
    (e: unknown) => e instanceof FlambeauError && e.status === 400 && e.message.includes(param),
  );

describe('the Ollama wire', () => {
  it('streams unless told not to; maps options; -1 and -2 leave num_predict to the target', () => {
    const parsed = parseOllamaChat({ model: 'm', messages: user, options: { temperature: 0.5, num_predict: 12, stop: ['x'], seed: 3, top_p: 0.5 } });
    assert.equal(parsed.stream, true);
    assert.deepEqual(parsed.request, {
      model: 'm',
      messages: [{ role: 'user', content: 'hi' }],
      temperature: 0.5,
      maxTokens: 12,
      stop: ['x'],
      seed: 3,
      topP: 0.5,
    });
    for (const n of [-1, -2]) assert.equal(parseOllamaChat({ model: 'm', messages: user, options: { num_predict: n } }).request.maxTokens, undefined);
    assert.equal(parseOllamaChat({ model: 'm', messages: user, stream: false }).stream, false);
  });

  it('reports the options it accepts without applying them', () => {
    const parsed = parseOllamaChat({ model: 'm', messages: user, keep_alive: -1, options: { num_ctx: 8192, top_k: 40 } });
    assert.deepEqual(
      parsed.warnings.map((w) => `${w.kind}:${w.setting}`),
      ['unsupported:options.num_ctx', 'unsupported:options.top_k', 'unsupported:keep_alive'],
    );
  });

  it('refuses unknown fields and unsupported features, naming them', () => {
    rejects({ model: 'm', messages: user, temperature: 1 }, 'temperature');
    rejects({ model: 'm', messages: user, options: { nucleus: 1 } }, 'nucleus');
    rejects({ model: 'm', messages: user, think: true }, 'think');
    rejects({ model: 'm', messages: user, logprobs: true }, 'logprobs');
    rejects({ model: 'm', messages: user, format: 'yaml' }, 'format');
    rejects({ model: 'm', messages: [] }, 'messages');
    rejects({ model: 'm', messages: [{ role: 'user', content: 'x', images: ['aGVsbG8gd29ybGQ='] }] }, 'messages[0].images[0]');
    assert.equal(parseOllamaChat({ model: 'm', messages: user, think: false }).request.model, 'm');
  });

  it('gives tool calls ids and matches tool results by id, else by name, earliest first', () => {
    const call = (name: string, city: string) => ({ function: { name, arguments: { city } } });
    const { request } = parseOllamaChat({
      model: 'm',
      messages: [
        ...user,
        { role: 'assistant', content: '', tool_calls: [call('weather', 'Paris'), call('time', 'Paris'), { id: 'given', ...call('weather', 'Lyon') }] },
        { role: 'tool', content: 'noon', tool_name: 'time' },
        { role: 'tool', content: 'rain', tool_call_id: 'given' },
        { role: 'tool', content: 'sun', tool_name: 'weather' },
      ],
    });
    assert.deepEqual(request.messages[1], {
      role: 'assistant',
      content: null,
      toolCalls: [
        { id: 'call_1_0', name: 'weather', arguments: '{"city":"Paris"}' },
        { id: 'call_1_1', name: 'time', arguments: '{"city":"Paris"}' },
        { id: 'given', name: 'weather', arguments: '{"city":"Lyon"}' },
      ],
    });
    assert.deepEqual(
      request.messages.slice(2).map((m) => (m.role === 'tool' ? m.toolCallId : m.role)),
      ['call_1_1', 'given', 'call_1_0'],
    );
    rejects({ model: 'm', messages: [...user, { role: 'tool', content: 'x', tool_name: 'weather' }] }, 'messages[1]');
  });

  it('images become data URLs typed by their first bytes', () => {
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]).toString('base64');
    const { request } = parseOllamaChat({ model: 'm', messages: [{ role: 'user', content: 'what?', images: [png] }] });
    assert.deepEqual(request.messages[0]?.content, [
      { type: 'text', text: 'what?' },
      { type: 'image', url: `data:image/png;base64,${png}` },
    ]);
  });

  it('generate: system then prompt; raw sends the prompt alone and says so; an empty prompt is a load', () => {
    const plain = parseOllamaGenerate({ model: 'm', prompt: 'p', system: 's' });
    assert.deepEqual(plain.request.messages, [
      { role: 'system', content: 's' },
      { role: 'user', content: 'p' },
    ]);
    const raw = parseOllamaGenerate({ model: 'm', prompt: 'p', system: 's', raw: true });
    assert.deepEqual(raw.request.messages, [{ role: 'user', content: 'p' }]);
    assert.deepEqual(raw.warnings, [{ kind: 'approximated', setting: 'raw' }]);
    assert.equal(parseOllamaGenerate({ model: 'm' }).empty, true);
    assert.throws(() => parseOllamaGenerate({ model: 'm', prompt: 'p', context: [1, 2] }), /context/);
    assert.throws(() => parseOllamaGenerate({ model: 'm', prompt: 'p', suffix: 'end' }), /suffix/);
  });
});
