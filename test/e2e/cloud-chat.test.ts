import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import OpenAI from 'openai';
import { startStandInCloud, type StandInCloud } from '../helpers/stand-in-cloud.js';
import { startTestGateway, type TestGateway } from '../helpers/start-gateway.js';

describe('chat through an openai-compatible cloud provider', () => {
  let cloud: StandInCloud;
  let gw: TestGateway;
  let client: OpenAI;

  before(async () => {
    cloud = await startStandInCloud({ apiKey: 'sk-upstream-test' });
    gw = await startTestGateway(
      {
        providers: [
          {
            id: 'cloud',
            type: 'openai-compatible',
            base_url: cloud.openaiBaseUrl,
            api_key: 'env:CLOUD_API_KEY',
            locality: 'cloud',
            timeouts: { first_byte_ms: 1500 },
          },
        ],
        models: [{ name: 'cloud-small', provider: 'cloud', model: 'upstream-small' }],
      },
      { env: { CLOUD_API_KEY: 'sk-upstream-test' } },
    );
    client = new OpenAI({ baseURL: gw.baseURL, apiKey: gw.key, maxRetries: 0 });
  });
  after(async () => {
    await gw.close();
    await cloud.close();
  });
  beforeEach(() => cloud.reset());

  const messages = [{ role: 'user' as const, content: 'Say hello.' }];

  it('answers a non-streamed chat with the upstream text, exact usage and target headers', async () => {
    cloud.script({ kind: 'reply', text: 'Hello there, friend.' });
    const { data, response } = await client.chat.completions.create({ model: 'cloud-small', messages }).withResponse();
    assert.equal(data.choices[0]?.message.content, 'Hello there, friend.');
    assert.equal(data.choices[0]?.finish_reason, 'stop');
    assert.equal(data.model, 'cloud-small');
    assert.ok(data.usage !== undefined && data.usage.prompt_tokens > 0 && data.usage.completion_tokens > 0);
    assert.equal((data.usage as unknown as Record<string, unknown>).estimated, undefined);
    assert.equal(response.headers.get('x-flambeau-provider'), 'cloud');
    assert.equal(response.headers.get('x-flambeau-model'), 'upstream-small');
    assert.equal(response.headers.get('x-flambeau-locality'), 'cloud');
    assert.match(response.headers.get('x-request-id') ?? '', /^req_/);
    const seen = cloud.requests[0];
    assert.equal((seen?.body as { model: string }).model, 'upstream-small');
    assert.equal(seen?.headers.authorization, 'Bearer sk-upstream-test');
  });

  it('keeps the caller x-request-id', async () => {
    const { response } = await client.chat.completions
      .create({ model: 'cloud-small', messages }, { headers: { 'x-request-id': 'my-trace-42' } })
      .withResponse();
    assert.equal(response.headers.get('x-request-id'), 'my-trace-42');
  });

  it('streams text whose reassembly equals the non-streamed answer, with a usage chunk', async () => {
    const text = 'The quick brown fox jumps over the lazy dog, twice.';
    cloud.script({ kind: 'reply', text }, { kind: 'reply', text, chunkSize: 3 });
    const whole = await client.chat.completions.create({ model: 'cloud-small', messages });
    const stream = await client.chat.completions.create({ model: 'cloud-small', messages, stream: true, stream_options: { include_usage: true } });
    let streamed = '';
    let finish: string | null = null;
    let usage: OpenAI.CompletionUsage | undefined;
    let chunks = 0;
    for await (const chunk of stream) {
      chunks += 1;
      streamed += chunk.choices[0]?.delta?.content ?? '';
      finish = chunk.choices[0]?.finish_reason ?? finish;
      if (chunk.usage) usage = chunk.usage;
    }
    assert.equal(streamed, whole.choices[0]?.message.content);
    assert.equal(finish, 'stop');
    assert.ok(chunks > 5, 'the answer arrives in several chunks');
    assert.deepEqual(usage, whole.usage);
  });

  it('fills usage itself, flagged estimated, when the upstream reports none', async () => {
    cloud.script({ kind: 'reply', text: 'No usage from me.', usage: false }, { kind: 'reply', text: 'No usage from me.', usage: false });
    const whole = await client.chat.completions.create({ model: 'cloud-small', messages });
    const usage = whole.usage as unknown as Record<string, unknown>;
    assert.equal(usage.estimated, true);
    assert.ok((usage.prompt_tokens as number) > 0 && (usage.completion_tokens as number) > 0);
    const stream = await client.chat.completions.create({ model: 'cloud-small', messages, stream: true, stream_options: { include_usage: true } });
    let streamedUsage: Record<string, unknown> | undefined;
    for await (const chunk of stream) if (chunk.usage) streamedUsage = chunk.usage as unknown as Record<string, unknown>;
    assert.deepEqual(streamedUsage, usage);
  });

  it('passes tools through and returns tool calls, streamed and not', async () => {
    const call = { name: 'getWeather', arguments: '{"city":"Paris","unit":"celsius"}', id: 'call_abc' };
    cloud.script({ kind: 'reply', toolCalls: [call] }, { kind: 'reply', toolCalls: [call], chunkSize: 4 });
    const tools = [{ type: 'function' as const, function: { name: 'getWeather', parameters: { type: 'object', properties: { city: { type: 'string' } } } } }];
    const whole = await client.chat.completions.create({ model: 'cloud-small', messages, tools, tool_choice: 'auto' });
    assert.equal(whole.choices[0]?.finish_reason, 'tool_calls');
    const got = whole.choices[0]?.message.tool_calls?.[0];
    assert.equal(got?.type === 'function' ? got.function.name : undefined, 'getWeather');
    assert.equal(got?.type === 'function' ? got.function.arguments : undefined, call.arguments);
    const sent = cloud.requests[0]?.body as { tools: unknown; tool_choice: unknown };
    assert.deepEqual(sent.tools, tools);
    assert.equal(sent.tool_choice, 'auto');

    const stream = client.chat.completions.stream({ model: 'cloud-small', messages, tools, stream: true });
    const final = await stream.finalChatCompletion();
    const streamedCall = final.choices[0]?.message.tool_calls?.[0];
    assert.equal(streamedCall?.type === 'function' ? streamedCall.function.arguments : undefined, call.arguments);
    assert.equal(streamedCall?.id, 'call_abc');
  });

  it('sends a tool result round trip upstream in OpenAI form', async () => {
    await client.chat.completions.create({
      model: 'cloud-small',
      messages: [
        { role: 'user', content: 'Weather in Paris?' },
        { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'getWeather', arguments: '{"city":"Paris"}' } }] },
        { role: 'tool', tool_call_id: 'call_1', content: '{"temp":21}' },
      ],
    });
    const sent = cloud.requests[0]?.body as { messages: Record<string, unknown>[] };
    // injection.tools: spotlight (the default): the tool result goes up inside a data block, and a
    // system message saying so comes first.
    assert.equal(sent.messages[0]?.role, 'system');
    const tool = sent.messages[3] as { role: string; tool_call_id: string; content: string };
    assert.equal(tool.role, 'tool');
    assert.equal(tool.tool_call_id, 'call_1');
    assert.match(tool.content, /^<<data (\d{20}) tool result getWeather>>\n\u00a6\{"temp":21\}\n<<\/data \1>>$/);
    assert.deepEqual((sent.messages[2]?.tool_calls as unknown[])[0], {
      id: 'call_1',
      type: 'function',
      function: { name: 'getWeather', arguments: '{"city":"Paris"}' },
    });
  });

  it('forwards unknown OpenAI fields unchanged (passthrough)', async () => {
    await client.chat.completions.create({ model: 'cloud-small', messages, logprobs: true, top_logprobs: 2, response_format: { type: 'json_object' } });
    const sent = cloud.requests[0]?.body as Record<string, unknown>;
    assert.equal(sent.logprobs, true);
    assert.equal(sent.top_logprobs, 2);
    assert.deepEqual(sent.response_format, { type: 'json_object' });
  });

  it('embeds in float and base64 with equal vectors', async () => {
    const input = ['bonjour le monde', 'hello world'];
    const floats = await client.embeddings.create({ model: 'cloud-small', input, encoding_format: 'float' });
    const b64 = await client.embeddings.create({ model: 'cloud-small', input }); // the client asks for base64 and decodes it
    assert.equal(floats.data.length, 2);
    for (let i = 0; i < 2; i++) {
      const a = floats.data[i]?.embedding as number[];
      const b = b64.data[i]?.embedding as number[];
      assert.equal(a.length, b.length);
      a.forEach((v, j) => assert.equal(Math.fround(v), Math.fround(b[j] as number)));
    }
    assert.notDeepEqual(floats.data[0]?.embedding, floats.data[1]?.embedding);
    const raw = await fetch(`${gw.baseURL}/embeddings`, {
      method: 'POST',
      headers: { authorization: `Bearer ${gw.key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'cloud-small', input: 'x', encoding_format: 'base64' }),
    });
    const body = (await raw.json()) as { data: { embedding: unknown }[] };
    assert.equal(typeof body.data[0]?.embedding, 'string');
  });

  it('lists models with their provider and locality', async () => {
    const list = await client.models.list();
    const ids = list.data.map((m) => m.id);
    assert.deepEqual(ids, ['cloud-small']);
    const model = await client.models.retrieve('cloud-small');
    assert.equal((model as unknown as { flambeau: { locality: string } }).flambeau.locality, 'cloud');
  });
});
