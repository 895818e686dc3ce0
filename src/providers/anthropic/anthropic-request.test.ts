import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FlambeauError } from '../../errors/index.js';
import type { ChatRequest } from '../spec.js';
import { toAnthropicRequest } from './anthropic-request.js';

const hi = { role: 'user', content: 'Hi' } as const;
const PNG_DATA_URL = 'data:image/png;base64,iVBORw0KGgo=';

interface Case {
  name: string;
  request: Partial<ChatRequest>;
  stream?: boolean;
  /** Expected body fields besides `model` (always 'claude-x'); `max_tokens` defaults to 4096. */
  body: Record<string, unknown>;
  /** Expected warnings as `kind:setting`, in order. */
  warnings?: string[];
  jsonToolName?: string;
}

const cases: Case[] = [
  {
    name: 'a single user message stays a string; max_tokens falls back to the default',
    request: { messages: [hi] },
    body: { messages: [{ role: 'user', content: 'Hi' }] },
  },
  {
    name: 'stream adds stream: true',
    request: { messages: [hi] },
    stream: true,
    body: { messages: [{ role: 'user', content: 'Hi' }], stream: true },
  },
  {
    name: 'one system message becomes the top-level system string',
    request: { messages: [{ role: 'system', content: 'Be brief.' }, hi] },
    body: { system: 'Be brief.', messages: [{ role: 'user', content: 'Hi' }] },
  },
  {
    name: 'every system message, wherever it is, goes to system as text blocks in order',
    request: {
      messages: [
        { role: 'system', content: 'First.' },
        hi,
        {
          role: 'system',
          content: [
            { type: 'text', text: 'Sec' },
            { type: 'text', text: 'ond.' },
          ],
        },
        { role: 'assistant', content: 'Hello' },
      ],
    },
    body: {
      system: [
        { type: 'text', text: 'First.' },
        { type: 'text', text: 'Second.' },
      ],
      messages: [
        { role: 'user', content: 'Hi' },
        { role: 'assistant', content: 'Hello' },
      ],
    },
  },
  {
    name: 'consecutive same-role messages merge into one turn (a system message between them does not split it)',
    request: {
      messages: [
        hi,
        { role: 'system', content: 'S' },
        { role: 'user', content: [{ type: 'text', text: 'Again' }] },
        { role: 'assistant', content: 'A' },
        { role: 'assistant', content: 'B' },
      ],
    },
    body: {
      system: 'S',
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Hi' },
            { type: 'text', text: 'Again' },
          ],
        },
        {
          role: 'assistant',
          content: [
            { type: 'text', text: 'A' },
            { type: 'text', text: 'B' },
          ],
        },
      ],
    },
  },
  {
    name: 'user images: data: URLs become base64 sources, http(s) URLs url sources',
    request: {
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Compare' },
            { type: 'image', url: PNG_DATA_URL },
            { type: 'image', url: 'https://example.com/cat.jpg', detail: 'auto' },
          ],
        },
      ],
    },
    body: {
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Compare' },
            { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgo=' } },
            { type: 'image', source: { type: 'url', url: 'https://example.com/cat.jpg' } },
          ],
        },
      ],
    },
  },
  {
    name: 'an image detail other than auto is warned about',
    request: { messages: [{ role: 'user', content: [{ type: 'image', url: 'http://example.com/a.png', detail: 'low' }] }] },
    body: { messages: [{ role: 'user', content: [{ type: 'image', source: { type: 'url', url: 'http://example.com/a.png' } }] }] },
    warnings: ['unsupported:image.detail'],
  },
  {
    name: 'assistant tool calls become tool_use blocks; tool messages tool_result blocks grouped in one user turn',
    request: {
      messages: [
        hi,
        {
          role: 'assistant',
          content: null,
          toolCalls: [
            { id: 'toolu_1', name: 'get_weather', arguments: '{"city":"Paris"}' },
            { id: 'toolu_2', name: 'get_time', arguments: '' },
          ],
        },
        { role: 'tool', toolCallId: 'toolu_1', content: 'Sunny' },
        { role: 'tool', toolCallId: 'toolu_2', content: [{ type: 'text', text: '10:00' }] },
        { role: 'user', content: 'Thanks' },
      ],
    },
    body: {
      messages: [
        { role: 'user', content: 'Hi' },
        {
          role: 'assistant',
          content: [
            { type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: { city: 'Paris' } },
            { type: 'tool_use', id: 'toolu_2', name: 'get_time', input: {} },
          ],
        },
        {
          role: 'user',
          content: [
            { type: 'tool_result', tool_use_id: 'toolu_1', content: 'Sunny' },
            { type: 'tool_result', tool_use_id: 'toolu_2', content: [{ type: 'text', text: '10:00' }] },
            { type: 'text', text: 'Thanks' },
          ],
        },
      ],
    },
  },
  {
    name: 'assistant text before its tool calls is kept; empty text is dropped',
    request: {
      messages: [hi, { role: 'assistant', content: '', toolCalls: [{ id: 't', name: 'f', arguments: '{}' }] }, { role: 'tool', toolCallId: 't', content: '' }],
    },
    body: {
      messages: [
        { role: 'user', content: 'Hi' },
        { role: 'assistant', content: [{ type: 'tool_use', id: 't', name: 'f', input: {} }] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 't' }] },
      ],
    },
  },
  {
    name: 'sampling settings map to their Anthropic names',
    request: { messages: [hi], maxTokens: 100, temperature: 0.3, topP: 0.9, stop: ['END', '##'], user: 'user-42' },
    body: {
      max_tokens: 100,
      messages: [{ role: 'user', content: 'Hi' }],
      temperature: 0.3,
      top_p: 0.9,
      stop_sequences: ['END', '##'],
      metadata: { user_id: 'user-42' },
    },
  },
  {
    name: "a temperature above 1 is clamped to Anthropic's range, with a warning",
    request: { messages: [hi], temperature: 1.5 },
    body: { messages: [{ role: 'user', content: 'Hi' }], temperature: 1 },
    warnings: ['approximated:temperature'],
  },
  {
    name: 'seed, penalties and passthrough fields are warned about, not sent',
    request: { messages: [hi], seed: 7, presencePenalty: 0.5, frequencyPenalty: 0.2, passthrough: { logprobs: true, reasoning_effort: 'low' } },
    body: { messages: [{ role: 'user', content: 'Hi' }] },
    warnings: ['unsupported:seed', 'unsupported:presencePenalty', 'unsupported:frequencyPenalty', 'unsupported:logprobs', 'unsupported:reasoning_effort'],
  },
  {
    name: 'a positive integer top_k in passthrough (the privacy guard let it through) is sent as top_k',
    request: { messages: [hi], passthrough: { top_k: 5 } },
    body: { messages: [{ role: 'user', content: 'Hi' }], top_k: 5 },
  },
  {
    name: 'a top_k that is not a positive integer is not sent',
    request: { messages: [hi], passthrough: { top_k: 'five' } },
    body: { messages: [{ role: 'user', content: 'Hi' }] },
    warnings: ['unsupported:top_k'],
  },
  {
    name: 'tools get input_schema (default: an empty object schema); no tool_choice unless asked',
    request: {
      messages: [hi],
      tools: [
        { name: 'get_weather', description: 'Weather now', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } },
        { name: 'ping' },
      ],
    },
    body: {
      messages: [{ role: 'user', content: 'Hi' }],
      tools: [
        { name: 'get_weather', description: 'Weather now', input_schema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } },
        { name: 'ping', input_schema: { type: 'object', properties: {} } },
      ],
    },
  },
  ...(
    [
      ['auto', { type: 'auto' }],
      ['required', { type: 'any' }],
      ['none', { type: 'none' }],
      [{ name: 'ping' }, { type: 'tool', name: 'ping' }],
    ] as const
  ).map(([choice, wire]): Case => ({
    name: `toolChoice ${JSON.stringify(choice)} → ${JSON.stringify(wire)}`,
    request: { messages: [hi], tools: [{ name: 'ping' }], toolChoice: choice },
    body: { messages: [{ role: 'user', content: 'Hi' }], tools: [{ name: 'ping', input_schema: { type: 'object', properties: {} } }], tool_choice: wire },
  })),
  {
    name: 'parallelToolCalls false sets disable_parallel_tool_use inside tool_choice (auto by default)',
    request: { messages: [hi], tools: [{ name: 'ping' }], parallelToolCalls: false },
    body: {
      messages: [{ role: 'user', content: 'Hi' }],
      tools: [{ name: 'ping', input_schema: { type: 'object', properties: {} } }],
      tool_choice: { type: 'auto', disable_parallel_tool_use: true },
    },
  },
  {
    name: 'parallelToolCalls false keeps the chosen tool',
    request: { messages: [hi], tools: [{ name: 'ping' }], toolChoice: 'required', parallelToolCalls: false },
    body: {
      messages: [{ role: 'user', content: 'Hi' }],
      tools: [{ name: 'ping', input_schema: { type: 'object', properties: {} } }],
      tool_choice: { type: 'any', disable_parallel_tool_use: true },
    },
  },
  {
    name: 'a strict tool is warned about',
    request: { messages: [hi], tools: [{ name: 'ping', strict: true }] },
    body: { messages: [{ role: 'user', content: 'Hi' }], tools: [{ name: 'ping', input_schema: { type: 'object', properties: {} } }] },
    warnings: ['unsupported:tools.strict'],
  },
  {
    name: 'a tool choice without tools is left out, with a warning',
    request: { messages: [hi], toolChoice: 'required' },
    body: { messages: [{ role: 'user', content: 'Hi' }] },
    warnings: ['unsupported:toolChoice'],
  },
  {
    name: 'json_schema is emulated by one forced tool carrying the schema',
    request: {
      messages: [hi],
      responseFormat: { type: 'json_schema', name: 'city_answer', schema: { type: 'object', properties: { city: { type: 'string' } } } },
    },
    body: {
      messages: [{ role: 'user', content: 'Hi' }],
      tools: [
        {
          name: 'city_answer',
          description: 'Give your final answer with this tool: its input is the answer, as a JSON object.',
          input_schema: { type: 'object', properties: { city: { type: 'string' } } },
        },
      ],
      tool_choice: { type: 'tool', name: 'city_answer', disable_parallel_tool_use: true },
    },
    warnings: ['approximated:responseFormat'],
    jsonToolName: 'city_answer',
  },
  {
    name: "json_object next to the caller's tools: both offered, one of them must be used",
    request: { messages: [hi], tools: [{ name: 'json_response' }], responseFormat: { type: 'json_object' } },
    body: {
      messages: [{ role: 'user', content: 'Hi' }],
      tools: [
        { name: 'json_response', input_schema: { type: 'object', properties: {} } },
        {
          name: 'json_response_',
          description: 'Give your final answer with this tool: its input is the answer, as a JSON object.',
          input_schema: { type: 'object' },
        },
      ],
      tool_choice: { type: 'any' },
    },
    warnings: ['approximated:responseFormat'],
    jsonToolName: 'json_response_',
  },
  {
    name: 'responseFormat text changes nothing',
    request: { messages: [hi], responseFormat: { type: 'text' } },
    body: { messages: [{ role: 'user', content: 'Hi' }] },
  },
  {
    name: 'message names are not sent, with one warning',
    request: {
      messages: [
        { role: 'user', content: 'Hi', name: 'ann' },
        { role: 'assistant', content: 'Yo', name: 'bot' },
      ],
    },
    body: {
      messages: [
        { role: 'user', content: 'Hi' },
        { role: 'assistant', content: 'Yo' },
      ],
    },
    warnings: ['unsupported:messages.name'],
  },
];

describe('toAnthropicRequest', () => {
  for (const c of cases) {
    it(c.name, () => {
      const plan = toAnthropicRequest({ model: 'claude-x', messages: [], ...c.request }, { stream: c.stream ?? false, defaultMaxTokens: 4096 });
      assert.deepEqual(plan.body, { model: 'claude-x', max_tokens: 4096, ...c.body });
      assert.deepEqual(
        plan.warnings.map((w) => `${w.kind}:${w.setting}`),
        c.warnings ?? [],
      );
      assert.equal(plan.jsonToolName, c.jsonToolName);
    });
  }

  const failures: { name: string; request: Partial<ChatRequest>; param: string; message: RegExp }[] = [
    {
      name: 'tool arguments that are not JSON name the message index',
      request: { messages: [hi, { role: 'assistant', content: null, toolCalls: [{ id: 't', name: 'f', arguments: '{"city": Par' }] }] },
      param: 'messages[1].tool_calls[0].function.arguments',
      message: /messages\[1\]\.toolCalls\[0\]/,
    },
    {
      name: 'tool arguments that are JSON but not an object',
      request: { messages: [hi, hi, { role: 'assistant', content: null, toolCalls: [{ id: 't', name: 'f', arguments: '[1,2]' }] }] },
      param: 'messages[2].tool_calls[0].function.arguments',
      message: /messages\[2\]/,
    },
    {
      name: 'an image type Anthropic does not take',
      request: { messages: [{ role: 'user', content: [{ type: 'image', url: 'data:image/bmp;base64,Qk0=' }] }] },
      param: 'messages[0].content',
      message: /messages\[0\]/,
    },
    {
      name: 'a data: URL that is not base64',
      request: { messages: [{ role: 'user', content: [{ type: 'image', url: 'data:image/png,raw' }] }] },
      param: 'messages[0].content',
      message: /base64/,
    },
    {
      name: 'an image URL of another scheme',
      request: { messages: [{ role: 'user', content: [{ type: 'image', url: 'file:///etc/passwd' }] }] },
      param: 'messages[0].content',
      message: /http/,
    },
    {
      name: 'only system messages',
      request: { messages: [{ role: 'system', content: 'S' }] },
      param: 'messages',
      message: /at least one/,
    },
  ];
  for (const f of failures) {
    it(`rejects ${f.name} as invalid_request`, () => {
      assert.throws(
        () => toAnthropicRequest({ model: 'claude-x', messages: [], ...f.request }, { stream: false, defaultMaxTokens: 4096 }),
        (error: unknown) => {
          assert.ok(error instanceof FlambeauError);
          assert.equal(error.code, 'invalid_request');
          assert.equal(error.param, f.param);
          assert.match(error.message, f.message);
          return true;
        },
      );
    });
  }
});
