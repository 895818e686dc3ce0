// The stand-in cloud's OpenAI wire, checked with plain undici requests and the official `openai`
// client (our compatibility oracle). Failure behaviours, auth and lifecycle are in
// stand-in-cloud/behaviours.test.ts; the Anthropic wire in stand-in-cloud/anthropic-messages.test.ts.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import OpenAI from 'openai';
import { request } from 'undici';
import { DEFAULT_TEXT, startStandInCloud, type StandInCloud } from './stand-in-cloud.js';
import { parseSseFrames } from './stand-in-cloud/sse-frames.js';

const messages = [{ role: 'user' as const, content: 'Say hello please' }];

async function post(url: string, body: unknown, headers: Record<string, string> = {}, signal?: AbortSignal) {
  return request(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body), signal });
}

describe('stand-in cloud: OpenAI protocol', () => {
  let cloud: StandInCloud;
  let client: OpenAI;
  const chatUrl = () => `${cloud.openaiBaseUrl}/chat/completions`;

  before(async () => {
    cloud = await startStandInCloud();
    client = new OpenAI({ baseURL: cloud.openaiBaseUrl, apiKey: 'sk-test', maxRetries: 0 });
  });
  after(() => cloud.close());
  beforeEach(() => cloud.reset());

  it('answers a chat.completion with the default text, word-count usage and a recorded request', async () => {
    const completion = await client.chat.completions.create({ model: 'gpt-4o-mini', messages });
    assert.equal(completion.object, 'chat.completion');
    assert.match(completion.id, /^chatcmpl-/);
    assert.equal(completion.model, 'gpt-4o-mini');
    assert.equal(completion.choices[0]?.message.content, DEFAULT_TEXT);
    assert.equal(completion.choices[0]?.finish_reason, 'stop');
    assert.deepEqual({ p: completion.usage?.prompt_tokens, c: completion.usage?.completion_tokens, t: completion.usage?.total_tokens }, { p: 3, c: 5, t: 8 });
    const [recorded] = cloud.requests;
    assert.equal(cloud.requests.length, 1);
    assert.deepEqual(
      { protocol: recorded?.protocol, method: recorded?.method, path: recorded?.path, completed: recorded?.completed, aborted: recorded?.aborted },
      { protocol: 'openai', method: 'POST', path: '/v1/chat/completions', completed: true, aborted: false },
    );
    assert.deepEqual(recorded?.body, { model: 'gpt-4o-mini', messages });
    assert.equal(recorded?.headers.authorization, 'Bearer sk-test');
  });

  it('streams the exact chunk sequence: role, deltas, finish, usage chunk, [DONE]', async () => {
    const res = await post(chatUrl(), { model: 'm', messages, stream: true, stream_options: { include_usage: true } });
    assert.equal(res.statusCode, 200);
    assert.equal(res.headers['content-type'], 'text/event-stream; charset=utf-8');
    const frames = parseSseFrames(await res.body.text());
    assert.ok(frames.every((f) => f.event === undefined));
    assert.equal(frames.at(-1)?.data, '[DONE]');
    const chunks = frames.slice(0, -1).map((f) => JSON.parse(f.data));
    assert.ok(chunks.every((c) => c.object === 'chat.completion.chunk' && c.id === chunks[0].id && 'usage' in c));
    assert.deepEqual(chunks[0].choices[0].delta, { role: 'assistant', content: '', refusal: null });
    const deltas = chunks.slice(1, -2).map((c) => c.choices[0].delta.content);
    assert.deepEqual(deltas, ['Hello', ' from', ' the', ' stand-in', ' cloud.']);
    assert.ok(chunks.slice(0, -2).every((c) => c.choices[0].finish_reason === null && c.usage === null));
    assert.deepEqual(chunks.at(-2).choices[0], { index: 0, delta: {}, logprobs: null, finish_reason: 'stop' });
    assert.deepEqual(chunks.at(-1).choices, []);
    assert.deepEqual([chunks.at(-1).usage.prompt_tokens, chunks.at(-1).usage.completion_tokens], [3, 5]);
  });

  it('sends no usage at all without include_usage, or when the reply says usage: false', async () => {
    for (const [behaviourUsage, includeUsage] of [
      [true, false],
      [false, true],
    ] as const) {
      cloud.script({ kind: 'reply', text: 'a b', usage: behaviourUsage });
      const res = await post(chatUrl(), { model: 'm', messages, stream: true, stream_options: { include_usage: includeUsage } });
      const chunks = parseSseFrames(await res.body.text())
        .slice(0, -1)
        .map((f) => JSON.parse(f.data));
      assert.ok(
        chunks.every((c) => !('usage' in c) && c.choices.length === 1),
        `usage=${behaviourUsage} include=${includeUsage}`,
      );
    }
    cloud.script({ kind: 'reply', usage: false });
    const res = await post(chatUrl(), { model: 'm', messages });
    assert.equal('usage' in ((await res.body.json()) as object), false);
  });

  it('streams through the official client, honouring chunkSize and finishReason', async () => {
    cloud.script({ kind: 'reply', text: 'abcdefghij', chunkSize: 4, finishReason: 'max_tokens' });
    const stream = await client.chat.completions.create({ model: 'm', messages, stream: true, stream_options: { include_usage: true } });
    const pieces: string[] = [];
    const finishes: (string | null | undefined)[] = [];
    let usage: OpenAI.CompletionUsage | null | undefined;
    for await (const chunk of stream) {
      if (chunk.choices[0]?.delta.content) pieces.push(chunk.choices[0].delta.content);
      if (chunk.choices[0]?.finish_reason) finishes.push(chunk.choices[0].finish_reason);
      usage = chunk.usage ?? usage;
    }
    assert.deepEqual(pieces, ['abcd', 'efgh', 'ij']);
    assert.deepEqual(finishes, ['length']);
    assert.equal(usage?.completion_tokens, 1);
  });

  it('answers tool calls: streamed headers then argument fragments, and the non-streamed message', async () => {
    const tools = [{ type: 'function' as const, function: { name: 'get_weather', parameters: { type: 'object' } } }];
    const call = { name: 'get_weather', arguments: '{"city":"Paris","unit":"celsius"}', id: 'call_fixed' };
    cloud.script({ kind: 'reply', toolCalls: [call] });
    const stream = await client.chat.completions.create({ model: 'm', messages, tools, tool_choice: 'auto', stream: true });
    const deltas: OpenAI.Chat.Completions.ChatCompletionChunk.Choice.Delta.ToolCall[] = [];
    let finish: string | null | undefined;
    let first: unknown;
    for await (const chunk of stream) {
      first ??= chunk.choices[0]?.delta;
      deltas.push(...(chunk.choices[0]?.delta.tool_calls ?? []));
      finish = chunk.choices[0]?.finish_reason ?? finish;
    }
    assert.deepEqual(first, { role: 'assistant', content: null, refusal: null });
    assert.deepEqual(deltas[0], { index: 0, id: 'call_fixed', type: 'function', function: { name: 'get_weather', arguments: '' } });
    assert.ok(deltas.length > 2 && deltas.slice(1).every((d) => d.id === undefined && d.function?.name === undefined));
    assert.equal(deltas.map((d) => d.function?.arguments).join(''), call.arguments);
    assert.equal(finish, 'tool_calls');
    assert.deepEqual(cloud.requests[0]?.body, { model: 'm', messages, tools, tool_choice: 'auto', stream: true });

    cloud.script({
      kind: 'reply',
      text: 'Checking.',
      toolCalls: [
        { name: 'a', arguments: '{}' },
        { name: 'b', arguments: '{"x":1}' },
      ],
    });
    const final = await client.chat.completions.stream({ model: 'm', messages, tools }).finalChatCompletion();
    const message = final.choices[0]?.message;
    assert.equal(message?.content, 'Checking.');
    assert.deepEqual(
      message?.tool_calls?.map((t) => t.type === 'function' && [t.function.name, t.function.arguments]),
      [
        ['a', '{}'],
        ['b', '{"x":1}'],
      ],
    );
    assert.equal(final.choices[0]?.finish_reason, 'tool_calls');

    cloud.script({ kind: 'reply', toolCalls: [call] });
    const plain = await client.chat.completions.create({ model: 'm', messages, tools });
    assert.equal(plain.choices[0]?.message.content, null);
    assert.deepEqual(plain.choices[0]?.message.tool_calls, [{ id: 'call_fixed', type: 'function', function: { name: call.name, arguments: call.arguments } }]);
    assert.equal(plain.choices[0]?.finish_reason, 'tool_calls');
  });

  it('echoes the text of every message, multi-part and tool contents included', async () => {
    cloud.script({ kind: 'echo' });
    const completion = await client.chat.completions.create({
      model: 'm',
      messages: [
        { role: 'system', content: 'You are terse.' },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Call me at 555-0100' },
            { type: 'text', text: 'please' },
          ],
        },
        { role: 'assistant', content: null, tool_calls: [{ id: 'c1', type: 'function', function: { name: 'f', arguments: '{}' } }] },
        { role: 'tool', tool_call_id: 'c1', content: 'tool said hi' },
      ],
    });
    assert.equal(completion.choices[0]?.message.content, 'You are terse.\nCall me at 555-0100\nplease\ntool said hi');
  });

  it('embeds deterministically: unit vectors, `dimensions`, and base64 float32 equal to the float form', async () => {
    const viaSdk = await client.embeddings.create({ model: 'text-embedding-3-small', input: ['alpha', 'beta'] });
    assert.equal(cloud.requests[0] && (cloud.requests[0].body as { encoding_format?: string }).encoding_format, 'base64');
    const res = await post(`${cloud.openaiBaseUrl}/embeddings`, { model: 'text-embedding-3-small', input: ['alpha', 'beta'], encoding_format: 'float' });
    const floats = (await res.body.json()) as { object: string; data: { object: string; index: number; embedding: number[] }[]; usage: unknown };
    assert.equal(floats.object, 'list');
    assert.deepEqual(floats.usage, { prompt_tokens: 2, total_tokens: 2 });
    assert.deepEqual(
      viaSdk.data.map((d) => Array.from(d.embedding)),
      floats.data.map((d) => d.embedding),
    );
    const [alpha, beta] = floats.data;
    assert.equal(alpha?.embedding.length, 8);
    assert.ok(Math.abs(Math.hypot(...(alpha?.embedding ?? [])) - 1) < 1e-6);
    assert.notDeepEqual(alpha?.embedding, beta?.embedding);
    const again = await client.embeddings.create({ model: 'm', input: 'alpha', dimensions: 3, encoding_format: 'float' });
    assert.equal(again.data[0]?.embedding.length, 3);
    const same = await client.embeddings.create({ model: 'm', input: 'alpha', dimensions: 3, encoding_format: 'float' });
    assert.deepEqual(again.data[0]?.embedding, same.data[0]?.embedding);
  });

  it('lists models', async () => {
    const ids: string[] = [];
    for await (const model of client.models.list()) ids.push(model.id);
    assert.ok(ids.includes('gpt-4o-mini'));
  });
});
