import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import OpenAI from 'openai';
import { makeTestModels, TEST_MODEL_ANSWER } from '../fixtures/test-models.js';
import { startTestGateway, type TestGateway } from '../helpers/start-gateway.js';

describe('chat and embeddings on the embedded llama.cpp engine', () => {
  let dir: string;
  let gw: TestGateway;
  let client: OpenAI;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'flambeau-models-'));
    const models = await makeTestModels(dir);
    gw = await startTestGateway({
      providers: [{ id: 'local', type: 'llamacpp' }],
      models: [
        { name: 'local-chat', provider: 'local', path: models.chat, context: 1024, threads: 1, parallel: 2 },
        { name: 'local-tools', provider: 'local', path: models.toolcall, context: 2048, threads: 1 },
      ],
    });
    client = new OpenAI({ baseURL: gw.baseURL, apiKey: gw.key, maxRetries: 0 });
  });
  after(async () => {
    await gw.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const messages = [{ role: 'user' as const, content: 'Quel temps fait-il à Paris ?' }];

  it('lists local models, loaded only after first use', async () => {
    const before = await client.models.list();
    const chat = before.data.find((m) => m.id === 'local-chat') as unknown as { flambeau: { loaded: boolean; locality: string } };
    assert.equal(chat.flambeau.locality, 'device');
    assert.equal(chat.flambeau.loaded, false);
    await client.chat.completions.create({ model: 'local-chat', messages, max_tokens: 2 });
    const later = (await client.models.retrieve('local-chat')) as unknown as { flambeau: { loaded: boolean } };
    assert.equal(later.flambeau.loaded, true);
  });

  it('answers with exact usage, and the stream reassembles to the same text', async () => {
    const { data: whole, response } = await client.chat.completions.create({ model: 'local-chat', messages }).withResponse();
    assert.equal(whole.choices[0]?.message.content, TEST_MODEL_ANSWER);
    assert.equal(whole.choices[0]?.finish_reason, 'stop');
    assert.equal(response.headers.get('x-flambeau-locality'), 'device');
    assert.equal(response.headers.get('x-flambeau-provider'), 'local');
    const usage = whole.usage as unknown as Record<string, unknown>;
    // The five answer pieces plus the end-of-sequence token the model sampled to stop.
    assert.equal(usage.completion_tokens, 6);
    assert.ok((usage.prompt_tokens as number) > 5);
    assert.equal(usage.estimated, undefined);

    const stream = await client.chat.completions.create({ model: 'local-chat', messages, stream: true, stream_options: { include_usage: true } });
    let text = '';
    let deltas = 0;
    let streamedUsage: unknown;
    for await (const chunk of stream) {
      const piece = chunk.choices[0]?.delta?.content ?? '';
      if (piece !== '') deltas += 1;
      text += piece;
      if (chunk.usage) streamedUsage = chunk.usage;
    }
    assert.equal(text, whole.choices[0]?.message.content);
    assert.ok(deltas >= 2, 'the answer streams in several pieces');
    assert.deepEqual(streamedUsage, whole.usage);
  });

  it('stops at max_tokens with finish_reason length', async () => {
    const res = await client.chat.completions.create({ model: 'local-chat', messages, max_tokens: 2 });
    assert.equal(res.choices[0]?.finish_reason, 'length');
    assert.equal(res.usage?.completion_tokens, 2);
    assert.ok(TEST_MODEL_ANSWER.startsWith(res.choices[0]?.message.content ?? '?'));
  });

  it('returns json_schema output that parses and follows the schema (grammar-enforced)', async () => {
    // Bounded values: a 5-word model under a grammar could otherwise ramble inside a free string.
    const schema = {
      type: 'object',
      properties: { city: { enum: ['Paris', 'Lyon', 'Brest'] }, sunny: { type: 'boolean' } },
      required: ['city', 'sunny'],
      additionalProperties: false,
    };
    const res = await client.chat.completions.create({
      model: 'local-chat',
      messages,
      max_tokens: 200,
      temperature: 0,
      response_format: { type: 'json_schema', json_schema: { name: 'weather', schema, strict: true } },
    });
    assert.equal(res.choices[0]?.finish_reason, 'stop');
    const parsed = JSON.parse(res.choices[0]?.message.content ?? '') as Record<string, unknown>;
    assert.ok(['Paris', 'Lyon', 'Brest'].includes(parsed.city as string));
    assert.equal(typeof parsed.sunny, 'boolean');
    assert.deepEqual(Object.keys(parsed).sort(), ['city', 'sunny']);
  });

  it('runs a tool-call round trip', async () => {
    const tools = [
      {
        type: 'function' as const,
        function: {
          name: 'getWeather',
          description: 'Current weather for a city',
          parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
        },
      },
    ];
    const first = await client.chat.completions.create({ model: 'local-tools', messages, tools });
    assert.equal(first.choices[0]?.finish_reason, 'tool_calls');
    const call = first.choices[0]?.message.tool_calls?.[0];
    assert.ok(call !== undefined && call.type === 'function');
    assert.equal(call.function.name, 'getWeather');
    assert.deepEqual(JSON.parse(call.function.arguments), { city: 'Paris' });
    assert.match(call.id, /\S/);

    const second = await client.chat.completions.create({
      model: 'local-tools',
      tools,
      messages: [...messages, first.choices[0]!.message, { role: 'tool', tool_call_id: call.id, content: '{"temperature": 21, "sky": "clear"}' }],
    });
    assert.equal(second.choices[0]?.finish_reason, 'stop');
    assert.equal(second.choices[0]?.message.content, TEST_MODEL_ANSWER);

    // The same call, streamed: the official client's helper reassembles the tool call.
    const streamed = await client.chat.completions.stream({ model: 'local-tools', messages, tools }).finalChatCompletion();
    const streamedCall = streamed.choices[0]?.message.tool_calls?.[0];
    assert.equal(streamedCall?.type === 'function' ? streamedCall.function.arguments : undefined, call.function.arguments);
  });

  it("reuses the engine's prompt cache on a conversation's next turn, and says so as OpenAI does", async () => {
    const system = { role: 'system' as const, content: 'Tu es le service météo de la ville. Réponds brièvement et poliment. '.repeat(6) };
    const turn1 = [system, ...messages];
    const { data: first, response: firstResponse } = await client.chat.completions.create({ model: 'local-chat', messages: turn1 }).withResponse();
    const firstAnswer = first.choices[0]?.message.content ?? '';
    const turn2 = [...turn1, { role: 'assistant' as const, content: firstAnswer }, { role: 'user' as const, content: 'Et à Lyon ?' }];
    const { data: second, response } = await client.chat.completions.create({ model: 'local-chat', messages: turn2 }).withResponse();
    const firstPrompt = first.usage?.prompt_tokens ?? 0;
    const reused = second.usage?.prompt_tokens_details?.cached_tokens ?? 0;
    // The system prompt and the first turn come from the cache; the new question does not.
    assert.ok(reused >= firstPrompt - 8 && reused < (second.usage?.prompt_tokens ?? 0), `${reused} reused of ${second.usage?.prompt_tokens}`);
    assert.equal(response.headers.get('x-flambeau-cache'), `prompt-tokens-reused=${reused}`);
    assert.ok((first.usage?.prompt_tokens_details?.cached_tokens ?? 0) < firstPrompt - 8);
    assert.match(String(firstResponse.headers.get('x-flambeau-cache')), /^prompt-tokens-reused=\d+$/);

    // Streamed, the header is known before the first token: the engine says it when generation starts.
    const stream = await client.chat.completions
      .create({ model: 'local-chat', messages: turn2, stream: true, stream_options: { include_usage: true } })
      .withResponse();
    let usage: OpenAI.CompletionUsage | undefined;
    for await (const chunk of stream.data) usage ??= chunk.usage ?? undefined;
    const streamedReused = usage?.prompt_tokens_details?.cached_tokens ?? 0;
    assert.equal(streamedReused, (usage?.prompt_tokens ?? 0) - 1, 'the same prompt again: all but its last token');
    assert.equal(stream.response.headers.get('x-flambeau-cache'), `prompt-tokens-reused=${streamedReused}`);
  });

  it('embeds on the local model, float and base64 decoding equal, bag-of-words ranking', async () => {
    const input = ['réunion budget projet', 'météo Paris soleil', 'réunion projet'];
    const floats = await client.embeddings.create({ model: 'local-chat', input, encoding_format: 'float' });
    const b64 = await client.embeddings.create({ model: 'local-chat', input });
    assert.equal(floats.usage.prompt_tokens > 0, true);
    for (let i = 0; i < input.length; i++)
      assert.deepEqual(
        b64.data[i]?.embedding,
        floats.data[i]?.embedding.map((v) => Math.fround(v)),
      );
    const cos = (a: number[], b: number[]) => a.reduce((s, v, i) => s + v * (b[i] as number), 0) / (Math.hypot(...a) * Math.hypot(...b));
    const [budget, weather, query] = floats.data.map((d) => d.embedding);
    assert.ok(cos(query!, budget!) > cos(query!, weather!));
  });
});
