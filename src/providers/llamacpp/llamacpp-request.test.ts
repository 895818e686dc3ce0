import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FlambeauError } from '../../errors/index.js';
import type { ChatRequest, ModelBinding } from '../spec.js';
import { DEFAULT_SAMPLING, toEngineJob } from './llamacpp-request.js';

const binding: ModelBinding = { name: 'local-chat', model: 'chat', path: '/models/chat.gguf' };
const weather = {
  name: 'getWeather',
  description: 'Weather of a city',
  parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
};
const time = { name: 'getTime', parameters: { type: 'object', properties: {} } };

function request(extra: Partial<ChatRequest> = {}): ChatRequest {
  return { model: 'chat', messages: [{ role: 'user', content: 'Hello' }], ...extra };
}

function throwsCode(fn: () => unknown, code: string, param?: string | RegExp): void {
  assert.throws(fn, (thrown) => {
    assert.ok(thrown instanceof FlambeauError);
    assert.equal(thrown.code, code);
    if (typeof param === 'string') assert.equal(thrown.param, param);
    if (param instanceof RegExp) assert.match(thrown.message, param);
    return true;
  });
}

describe('toEngineJob: history', () => {
  it('maps roles and joins text parts with newlines', () => {
    const { job, warnings } = toEngineJob(
      request({
        messages: [
          { role: 'system', content: 'Be brief.' },
          {
            role: 'user',
            content: [
              { type: 'text', text: 'first' },
              { type: 'text', text: 'second' },
            ],
          },
          { role: 'assistant', content: 'Sure.' },
          { role: 'user', content: 'Again' },
        ],
      }),
      binding,
    );
    assert.deepEqual(job.history, [
      { type: 'system', text: 'Be brief.' },
      { type: 'user', text: 'first\nsecond' },
      { type: 'model', response: ['Sure.'] },
      { type: 'user', text: 'Again' },
    ]);
    assert.deepEqual(warnings, []);
  });

  it('turns tool calls and their results into function calls, and continues the same model turn after them', () => {
    const { job } = toEngineJob(
      request({
        tools: [weather],
        messages: [
          { role: 'user', content: 'Weather in Paris and Lyon?' },
          {
            role: 'assistant',
            content: null,
            toolCalls: [
              { id: 'call_1', name: 'getWeather', arguments: '{"city":"Paris"}' },
              { id: 'call_2', name: 'getWeather', arguments: 'not json' },
            ],
          },
          { role: 'tool', toolCallId: 'call_2', content: 'rainy' },
          { role: 'tool', toolCallId: 'call_1', content: '{"temperature":21}' },
          { role: 'assistant', content: 'Sunny in Paris, rainy in Lyon.' },
          { role: 'user', content: 'Thanks' },
        ],
      }),
      binding,
    );
    assert.deepEqual(job.history, [
      { type: 'user', text: 'Weather in Paris and Lyon?' },
      {
        type: 'model',
        response: [
          { type: 'functionCall', name: 'getWeather', params: { city: 'Paris' }, result: { temperature: 21 } },
          { type: 'functionCall', name: 'getWeather', params: 'not json', result: 'rainy' },
          'Sunny in Paris, rainy in Lyon.',
        ],
      },
      { type: 'user', text: 'Thanks' },
    ]);
  });

  it('refuses a tool result without its call, a call without its result, and images', () => {
    throwsCode(
      () =>
        toEngineJob(
          request({
            messages: [
              { role: 'user', content: 'x' },
              { role: 'tool', toolCallId: 'call_9', content: '1' },
            ],
          }),
          binding,
        ),
      'invalid_request',
      'messages[1].tool_call_id',
    );
    throwsCode(
      () =>
        toEngineJob(
          request({
            messages: [
              { role: 'user', content: 'x' },
              { role: 'assistant', content: null, toolCalls: [{ id: 'call_1', name: 'f', arguments: '{}' }] },
            ],
          }),
          binding,
        ),
      'invalid_request',
      /call_1/,
    );
    throwsCode(
      () => toEngineJob(request({ messages: [{ role: 'user', content: [{ type: 'image', url: 'data:image/png;base64,AA' }] }] }), binding),
      'invalid_request',
      /does not accept images/,
    );
  });

  it('warns once that participant names are not used', () => {
    const { warnings } = toEngineJob(
      request({
        messages: [
          { role: 'user', content: 'a', name: 'ann' },
          { role: 'user', content: 'b', name: 'bob' },
        ],
      }),
      binding,
    );
    assert.deepEqual(
      warnings.map((w) => w.setting),
      ['messages.name'],
    );
  });
});

describe('toEngineJob: tools', () => {
  it('offers every tool for auto, none for none; a parameterless schema gives no params', () => {
    const auto = toEngineJob(request({ tools: [weather, time] }), binding);
    assert.deepEqual(auto.job.functions, {
      getWeather: { description: 'Weather of a city', params: { type: 'object', properties: { city: { type: 'string' } }, additionalProperties: false } },
      getTime: {},
    });
    assert.deepEqual(auto.warnings, []);
    assert.equal(toEngineJob(request({ tools: [weather], toolChoice: 'none' }), binding).job.functions, undefined);
  });

  it('approximates required and a named choice, with a warning', () => {
    const named = toEngineJob(request({ tools: [weather, time], toolChoice: { name: 'getTime' } }), binding);
    assert.deepEqual(Object.keys(named.job.functions ?? {}), ['getTime']);
    assert.deepEqual(
      named.warnings.map((w) => [w.kind, w.setting]),
      [['approximated', 'toolChoice']],
    );
    const required = toEngineJob(request({ tools: [weather, time], toolChoice: 'required' }), binding);
    assert.deepEqual(Object.keys(required.job.functions ?? {}), ['getWeather', 'getTime']);
    assert.deepEqual(
      required.warnings.map((w) => [w.kind, w.setting]),
      [['approximated', 'toolChoice']],
    );
  });

  it('refuses a choice naming no given tool, duplicate names, and a schema it cannot express (naming the tool)', () => {
    throwsCode(() => toEngineJob(request({ tools: [weather], toolChoice: { name: 'nope' } }), binding), 'invalid_request', 'tool_choice');
    throwsCode(() => toEngineJob(request({ toolChoice: 'required' }), binding), 'invalid_request', 'tool_choice');
    throwsCode(() => toEngineJob(request({ tools: [weather, weather] }), binding), 'invalid_request', /getWeather/);
    const bad = { name: 'lookup', parameters: { type: 'object', properties: { q: { $ref: 'https://x.test/q.json' } } } };
    throwsCode(() => toEngineJob(request({ tools: [bad] }), binding), 'invalid_request', /tool 'lookup'/);
  });

  it('warns, naming the tool, about constraints the grammar does not enforce', () => {
    const tool = { name: 'book', parameters: { type: 'object', properties: { email: { type: 'string', pattern: '.+@.+' } } } };
    const { warnings } = toEngineJob(request({ tools: [tool] }), binding);
    assert.equal(warnings.length, 1);
    assert.equal(warnings[0]?.kind, 'approximated');
    assert.match(warnings[0]?.detail ?? '', /tool 'book'.*pattern/);
  });

  it('limits to one call per turn when parallel tool calls are off', () => {
    assert.equal(toEngineJob(request({ tools: [weather], parallelToolCalls: false }), binding).job.maxParallelFunctionCalls, 1);
    assert.equal(toEngineJob(request({ tools: [weather] }), binding).job.maxParallelFunctionCalls, undefined);
  });
});

describe('toEngineJob: response format and sampling', () => {
  it('maps json_object and json_schema to grammars', () => {
    assert.deepEqual(toEngineJob(request({ responseFormat: { type: 'json_object' } }), binding).job.grammar, { type: 'json' });
    const schema = { type: 'object', properties: { ok: { type: 'boolean' } } };
    assert.deepEqual(toEngineJob(request({ responseFormat: { type: 'json_schema', name: 'r', schema } }), binding).job.grammar, {
      type: 'json-schema',
      schema: { type: 'object', properties: { ok: { type: 'boolean' } }, additionalProperties: false },
    });
    assert.equal(toEngineJob(request({ responseFormat: { type: 'text' } }), binding).job.grammar, undefined);
  });

  it('refuses an unusable response schema and warns about a format beside tools', () => {
    throwsCode(
      () => toEngineJob(request({ responseFormat: { type: 'json_schema', name: 'r', schema: { allOf: [{}, {}] } } }), binding),
      'invalid_request',
      'response_format',
    );
    const both = toEngineJob(request({ tools: [weather], responseFormat: { type: 'json_object' } }), binding);
    assert.equal(both.job.grammar, undefined);
    assert.deepEqual(
      both.warnings.map((w) => [w.kind, w.setting]),
      [['unsupported', 'responseFormat']],
    );
  });

  it('uses llama-server defaults, the request settings, the binding max tokens, and OpenAI penalties', () => {
    assert.deepEqual(toEngineJob(request(), binding).job.sampling, { ...DEFAULT_SAMPLING });
    const { job } = toEngineJob(request({ temperature: 0, topP: 0.5, seed: 7, stop: ['\n\n'], maxTokens: 12, presencePenalty: 0.5, frequencyPenalty: -0.2 }), {
      ...binding,
      maxTokens: 99,
    });
    assert.deepEqual(job.sampling, {
      temperature: 0,
      topP: 0.5,
      topK: 40,
      minP: 0.05,
      seed: 7,
      stop: ['\n\n'],
      maxTokens: 12,
      presencePenalty: 0.5,
      frequencyPenalty: -0.2,
    });
    assert.equal(toEngineJob(request(), { ...binding, maxTokens: 99 }).job.sampling.maxTokens, 99);
  });

  it('honours llama.cpp passthrough settings and warns about the others', () => {
    const { job, warnings } = toEngineJob(request({ passthrough: { top_k: 5, min_p: 0.1, logprobs: true } }), binding);
    assert.equal(job.sampling.topK, 5);
    assert.equal(job.sampling.minP, 0.1);
    assert.deepEqual(
      warnings.map((w) => [w.kind, w.setting]),
      [['unsupported', 'logprobs']],
    );
  });
});
