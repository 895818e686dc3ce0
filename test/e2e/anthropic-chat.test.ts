import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import OpenAI from 'openai';
import { startStandInCloud, type StandInCloud } from '../helpers/stand-in-cloud.js';
import { startTestGateway, type TestGateway } from '../helpers/start-gateway.js';

describe('chat through an anthropic provider (Messages API), translated both ways', () => {
  let cloud: StandInCloud;
  let gw: TestGateway;
  let client: OpenAI;

  before(async () => {
    cloud = await startStandInCloud({ apiKey: 'sk-ant-test' });
    gw = await startTestGateway(
      {
        providers: [{ id: 'claude', type: 'anthropic', base_url: cloud.anthropicBaseUrl, api_key: 'env:ANTHROPIC_API_KEY', locality: 'cloud' }],
        models: [{ name: 'claude', provider: 'claude', model: 'claude-test-1', max_tokens: 512 }],
        routing: { retries: 0 },
      },
      { env: { ANTHROPIC_API_KEY: 'sk-ant-test' } },
    );
    client = new OpenAI({ baseURL: gw.baseURL, apiKey: gw.key, maxRetries: 0 });
  });
  after(async () => {
    await gw.close();
    await cloud.close();
  });
  beforeEach(() => cloud.reset());

  it('answers, with the system prompt moved to Anthropic `system` and exact usage', async () => {
    cloud.script({ kind: 'reply', text: 'Bonjour, je suis Claude.' });
    const { data, response } = await client.chat.completions
      .create({
        model: 'claude',
        messages: [
          { role: 'system', content: 'Be brief.' },
          { role: 'user', content: 'Bonjour' },
        ],
      })
      .withResponse();
    assert.equal(data.choices[0]?.message.content, 'Bonjour, je suis Claude.');
    assert.equal(data.choices[0]?.finish_reason, 'stop');
    assert.ok((data.usage?.prompt_tokens ?? 0) > 0 && (data.usage?.completion_tokens ?? 0) > 0);
    assert.equal(response.headers.get('x-flambeau-provider'), 'claude');
    const sent = cloud.requests[0];
    assert.equal(sent?.path, '/v1/messages');
    assert.equal(sent?.headers['x-api-key'], 'sk-ant-test');
    assert.ok(typeof sent?.headers['anthropic-version'] === 'string');
    const body = sent?.body as { system: unknown; messages: { role: string }[]; model: string; max_tokens: number };
    assert.equal(body.model, 'claude-test-1');
    assert.equal(body.max_tokens, 512);
    assert.equal(JSON.stringify(body.system).includes('Be brief.'), true);
    assert.deepEqual(
      body.messages.map((m) => m.role),
      ['user'],
    );
  });

  it('streams Anthropic events as OpenAI chunks, equal to the non-streamed answer', async () => {
    const text = 'Un deux trois quatre cinq six sept huit neuf dix.';
    cloud.script({ kind: 'reply', text }, { kind: 'reply', text, chunkSize: 2 });
    const whole = await client.chat.completions.create({ model: 'claude', messages: [{ role: 'user', content: 'Compte.' }] });
    const stream = await client.chat.completions.create({
      model: 'claude',
      messages: [{ role: 'user', content: 'Compte.' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let streamed = '';
    let usage: unknown;
    for await (const chunk of stream) {
      streamed += chunk.choices[0]?.delta?.content ?? '';
      if (chunk.usage) usage = chunk.usage;
    }
    assert.equal(streamed, whole.choices[0]?.message.content);
    assert.deepEqual(usage, whole.usage);
    assert.equal((cloud.requests[1]?.body as { stream: boolean }).stream, true);
  });

  it('translates tools, tool calls and tool results, streamed and not', async () => {
    const call = { name: 'getWeather', arguments: '{"city":"Paris"}', id: 'toolu_01' };
    cloud.script({ kind: 'reply', toolCalls: [call] }, { kind: 'reply', toolCalls: [call], chunkSize: 3 }, { kind: 'reply', text: 'Il fait beau.' });
    const tools = [
      {
        type: 'function' as const,
        function: { name: 'getWeather', description: 'Weather', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } },
      },
    ];
    const messages = [{ role: 'user' as const, content: 'Météo à Paris ?' }];
    const first = await client.chat.completions.create({ model: 'claude', messages, tools, tool_choice: 'required' });
    assert.equal(first.choices[0]?.finish_reason, 'tool_calls');
    const got = first.choices[0]?.message.tool_calls?.[0];
    assert.ok(got?.type === 'function');
    assert.equal(got.id, 'toolu_01');
    assert.deepEqual(JSON.parse(got.function.arguments), { city: 'Paris' });
    const sent = cloud.requests[0]?.body as { tools: { name: string; input_schema: unknown }[]; tool_choice: unknown };
    assert.equal(sent.tools[0]?.name, 'getWeather');
    assert.deepEqual(sent.tools[0]?.input_schema, tools[0]?.function.parameters);
    assert.deepEqual(sent.tool_choice, { type: 'any' });

    const streamed = await client.chat.completions.stream({ model: 'claude', messages, tools }).finalChatCompletion();
    const streamedCall = streamed.choices[0]?.message.tool_calls?.[0];
    assert.ok(streamedCall?.type === 'function');
    assert.deepEqual(JSON.parse(streamedCall.function.arguments), { city: 'Paris' });

    const answer = await client.chat.completions.create({
      model: 'claude',
      tools,
      messages: [...messages, first.choices[0]!.message, { role: 'tool', tool_call_id: 'toolu_01', content: '{"sky":"clear"}' }],
    });
    assert.equal(answer.choices[0]?.message.content, 'Il fait beau.');
    const third = cloud.requests[2]?.body as { messages: { role: string; content: { type: string; tool_use_id?: string; id?: string; input?: unknown }[] }[] };
    assert.deepEqual(
      third.messages.map((m) => m.role),
      ['user', 'assistant', 'user'],
    );
    assert.equal(third.messages[1]?.content.find((b) => b.type === 'tool_use')?.id, 'toolu_01');
    assert.deepEqual(third.messages[1]?.content.find((b) => b.type === 'tool_use')?.input, { city: 'Paris' });
    assert.equal(third.messages[2]?.content[0]?.type, 'tool_result');
    assert.equal(third.messages[2]?.content[0]?.tool_use_id, 'toolu_01');
  });

  it('maps an Anthropic error status to 502 keeping it in the message', async () => {
    cloud.script({ kind: 'fail', status: 529, message: 'Overloaded' });
    await assert.rejects(client.chat.completions.create({ model: 'claude', messages: [{ role: 'user', content: 'hi' }] }), (error: unknown) => {
      assert.ok(error instanceof OpenAI.APIError);
      assert.equal(error.status, 502);
      assert.match(error.message, /HTTP 529/);
      return true;
    });
  });
});
