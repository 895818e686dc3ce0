import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import Anthropic from '@anthropic-ai/sdk';
import { createAnthropic } from '@ai-sdk/anthropic';
import { generateText, jsonSchema, streamText, tool } from 'ai';
import { request } from 'undici';
import { startStandInCloud, type StandInCloud } from '../helpers/stand-in-cloud.js';
import { startTestGateway, type TestGateway } from '../helpers/start-gateway.js';

const weatherTool = {
  name: 'getWeather',
  description: 'Current weather for a city',
  input_schema: { type: 'object' as const, properties: { city: { type: 'string' } }, required: ['city'] },
};
const PERSON = 'Claire Martin';
const EMAIL = 'claire.martin@example.fr';

/** Issue 13 item 2: POST /v1/messages and /v1/messages/count_tokens through the real Anthropic clients. */
describe('the Anthropic Messages API, inbound, through the real server', () => {
  let cloud: StandInCloud;
  let gw: TestGateway;
  let client: Anthropic;

  const admin = async (body: Record<string, unknown>): Promise<{ id: string; key: string }> => {
    const res = await request(`${gw.url}/admin/keys`, {
      method: 'POST',
      headers: { authorization: `Bearer ${gw.key}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    assert.equal(res.statusCode, 201);
    return (await res.body.json()) as { id: string; key: string };
  };
  const clientFor = (apiKey: string) => new Anthropic({ baseURL: gw.url, apiKey, maxRetries: 0 });
  // The SDK's params type is a union; its Partial keeps only common keys, hence the plain record.
  const ask = (content: string, extra: Record<string, unknown> = {}): Anthropic.MessageCreateParamsNonStreaming =>
    ({ model: 'cloud-chat', max_tokens: 64, messages: [{ role: 'user', content }], ...extra }) as Anthropic.MessageCreateParamsNonStreaming;

  before(async () => {
    cloud = await startStandInCloud({ apiKey: 'sk-upstream' });
    gw = await startTestGateway(
      {
        providers: [
          { id: 'cloud', type: 'openai-compatible', base_url: cloud.openaiBaseUrl, api_key: 'env:UPSTREAM_KEY', locality: 'cloud' },
          { id: 'claude', type: 'anthropic', base_url: cloud.anthropicBaseUrl, api_key: 'env:UPSTREAM_KEY', locality: 'cloud' },
        ],
        models: [
          { name: 'cloud-chat', provider: 'cloud', model: 'chat-1', price: { input_per_mtok: 1, output_per_mtok: 1 } },
          { name: 'claude', provider: 'claude', model: 'claude-test-1' },
        ],
        routing: { retries: 0 },
        privacy: { cloud: 'pseudonymize' },
      },
      { env: { UPSTREAM_KEY: 'sk-upstream' } },
    );
    client = clientFor(gw.key);
  });
  after(async () => {
    await gw.close();
    await cloud.close();
  });
  beforeEach(() => cloud.reset());

  it('messages.create: text, stop_reason, usage, the system prompt (string and blocks) sent upstream', async () => {
    cloud.script({ kind: 'reply', text: 'Bonjour !' }, { kind: 'reply', text: 'Encore.' });
    const { data, response } = await client.messages.create(ask('Salut', { system: 'Be brief.' })).withResponse();
    assert.equal(data.type, 'message');
    assert.equal(data.role, 'assistant');
    assert.match(data.id, /^msg_/);
    assert.equal(data.model, 'cloud-chat');
    assert.deepEqual(data.content, [{ type: 'text', text: 'Bonjour !' }]);
    assert.equal(data.stop_reason, 'end_turn');
    assert.ok(data.usage.input_tokens > 0 && data.usage.output_tokens > 0);
    assert.equal(response.headers.get('x-flambeau-provider'), 'cloud');
    const sent = cloud.requests[0]?.body as { model: string; max_tokens: number; messages: { role: string; content: unknown }[] };
    assert.equal(sent.model, 'chat-1');
    assert.equal(sent.max_tokens, 64);
    assert.deepEqual(sent.messages[0], { role: 'system', content: 'Be brief.' });

    const blocks = await client.messages
      .create(
        ask('Salut', {
          system: [{ type: 'text', text: 'Be brief.', cache_control: { type: 'ephemeral' } }],
          temperature: 0.5,
          top_p: 0.9,
          top_k: 5,
          stop_sequences: ['FIN'],
          metadata: { user_id: 'u-42' },
        }),
      )
      .withResponse();
    assert.equal(blocks.data.content[0]?.type === 'text' ? blocks.data.content[0].text : '', 'Encore.');
    // Neither dropped silently: the caching hint is not forwarded, and top_k (a passthrough field)
    // does not leave for a cloud target unless privacy.passthrough_fields lists it.
    assert.match(blocks.response.headers.get('x-flambeau-warnings') ?? '', /unsupported:cache_control/);
    assert.match(blocks.response.headers.get('x-flambeau-warnings') ?? '', /unsupported:top_k/);
    const second = cloud.requests[1]?.body as Record<string, unknown>;
    assert.equal(JSON.stringify(second.messages).includes('Be brief.'), true);
    assert.equal(second.temperature, 0.5);
    assert.equal(second.top_p, 0.9);
    assert.equal(second.top_k, undefined);
    assert.deepEqual(second.stop, ['FIN']);
    assert.equal(second.user, 'u-42');
  });

  it('messages.stream: the event sequence, text equal to the whole answer, usage at the end', async () => {
    const text = 'Un deux trois quatre cinq.';
    cloud.script({ kind: 'reply', text }, { kind: 'reply', text, chunkSize: 3 }, { kind: 'reply', text, chunkSize: 4 });
    const whole = await client.messages.create(ask('Compte.'));
    const stream = client.messages.stream(ask('Compte.'));
    const types: string[] = [];
    stream.on('streamEvent', (event) => types.push(event.type));
    const final = await stream.finalMessage();
    assert.deepEqual(final.content, whole.content);
    assert.equal(final.stop_reason, 'end_turn');
    assert.deepEqual(final.usage.output_tokens, whole.usage.output_tokens);
    assert.deepEqual(final.usage.input_tokens, whole.usage.input_tokens);
    assert.equal(types[0], 'message_start');
    assert.equal(types.at(-1), 'message_stop');
    assert.equal(types.at(-2), 'message_delta');
    assert.ok(types.filter((t) => t === 'content_block_delta').length >= 2);

    // The raw bytes: event names, a ping, SSE headers.
    const res = await request(`${gw.url}/v1/messages`, {
      method: 'POST',
      headers: { 'x-api-key': gw.key, 'anthropic-version': '2023-06-01', 'content-type': 'application/json' },
      body: JSON.stringify({ ...ask('Compte.'), stream: true }),
    });
    assert.equal(res.statusCode, 200);
    assert.match(String(res.headers['content-type']), /^text\/event-stream/);
    const raw = await res.body.text();
    const names = [...raw.matchAll(/^event: (\w+)$/gm)].map((m) => m[1]);
    assert.deepEqual(names.slice(0, 3), ['message_start', 'ping', 'content_block_start']);
    assert.deepEqual(names.slice(-3), ['content_block_stop', 'message_delta', 'message_stop']);
  });

  it('a tool use round trip, streamed and not (OpenAI-compatible upstream)', async () => {
    const call = { name: 'getWeather', arguments: '{"city":"Paris"}', id: 'call_7' };
    cloud.script({ kind: 'reply', toolCalls: [call] }, { kind: 'reply', toolCalls: [call], chunkSize: 3 }, { kind: 'reply', text: 'Il fait beau.' });
    const question: Anthropic.MessageParam = { role: 'user', content: 'Météo à Paris ?' };
    const first = await client.messages.create({ ...ask(''), messages: [question], tools: [weatherTool], tool_choice: { type: 'any' } });
    assert.equal(first.stop_reason, 'tool_use');
    const use = first.content.find((b) => b.type === 'tool_use');
    assert.ok(use?.type === 'tool_use');
    assert.equal(use.id, 'call_7');
    assert.equal(use.name, 'getWeather');
    assert.deepEqual(use.input, { city: 'Paris' });
    const sent = cloud.requests[0]?.body as { tools: { function: { name: string; parameters: unknown } }[]; tool_choice: unknown };
    assert.equal(sent.tools[0]?.function.name, 'getWeather');
    assert.deepEqual(sent.tools[0]?.function.parameters, weatherTool.input_schema);
    assert.equal(sent.tool_choice, 'required');

    const streamed = await client.messages.stream({ ...ask(''), messages: [question], tools: [weatherTool] }).finalMessage();
    const streamedUse = streamed.content.find((b) => b.type === 'tool_use');
    assert.ok(streamedUse?.type === 'tool_use');
    assert.deepEqual(streamedUse.input, { city: 'Paris' });
    assert.equal(streamed.stop_reason, 'tool_use');

    const answer = await client.messages.create({
      ...ask(''),
      tools: [weatherTool],
      messages: [
        question,
        { role: 'assistant', content: first.content },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: use.id, content: '{"sky":"clear"}' }] },
      ],
    });
    assert.deepEqual(answer.content, [{ type: 'text', text: 'Il fait beau.' }]);
    const third = cloud.requests[2]?.body as { messages: Record<string, unknown>[] };
    // injection.tools: spotlight (the default): a system message, and the tool result inside a data block.
    assert.deepEqual(
      third.messages.map((m) => m.role),
      ['system', 'user', 'assistant', 'tool'],
    );
    assert.equal(third.messages[3]?.tool_call_id, 'call_7');
    assert.match(String(third.messages[3]?.content), /^<<data (\d{20}) tool result getWeather>>\n\u00a6\{"sky":"clear"\}\n<<\/data \1>>$/);
  });

  it('to an Anthropic upstream nothing is lost: tool ids, stop reasons and usage match a direct call', async () => {
    // This SDK version sends its key as a bearer token; the stand-in (as Anthropic) reads x-api-key.
    const direct = new Anthropic({ baseURL: cloud.anthropicBaseUrl, apiKey: 'sk-upstream', defaultHeaders: { 'x-api-key': 'sk-upstream' }, maxRetries: 0 });
    const call = { name: 'getWeather', arguments: '{"city":"Paris"}', id: 'toolu_01ABC' };
    const params = { max_tokens: 64, system: 'Be brief.', tools: [weatherTool], messages: [{ role: 'user' as const, content: 'Météo à Paris ?' }] };
    for (const behaviour of [
      { kind: 'reply' as const, toolCalls: [call] },
      { kind: 'reply' as const, text: 'Coupé', finishReason: 'max_tokens' },
      { kind: 'reply' as const, text: 'Fin', finishReason: 'stop_sequence' },
    ]) {
      cloud.script(behaviour, behaviour, behaviour);
      const expected = await direct.messages.create({ ...params, model: 'claude-test-1' });
      const got = await client.messages.create({ ...params, model: 'claude' });
      const streamed = await client.messages.stream({ ...params, model: 'claude' }).finalMessage();
      for (const answer of [got, streamed]) {
        assert.deepEqual(answer.content, expected.content);
        assert.equal(answer.stop_reason, expected.stop_reason);
        assert.equal(answer.usage.input_tokens, expected.usage.input_tokens);
        assert.equal(answer.usage.output_tokens, expected.usage.output_tokens);
      }
      cloud.reset();
    }
  });

  it('count_tokens: the gateway estimate, scoped as chat', async () => {
    const small = await client.messages.countTokens({ model: 'cloud-chat', messages: [{ role: 'user', content: 'hi' }] });
    const large = await client.messages.countTokens({
      model: 'cloud-chat',
      system: 'Be brief.',
      tools: [weatherTool],
      messages: [{ role: 'user', content: 'A much longer question about the weather in Paris tomorrow morning.' }],
    });
    assert.ok(small.input_tokens > 0);
    assert.ok(large.input_tokens > small.input_tokens);
    assert.equal(cloud.requests.length, 0, 'nothing is called upstream');
    const scoped = clientFor((await admin({ name: 'count-scoped', models: ['claude'] })).key);
    await assert.rejects(scoped.messages.countTokens({ model: 'cloud-chat', messages: [{ role: 'user', content: 'hi' }] }), Anthropic.PermissionDeniedError);
  });

  it('errors in Anthropic shape: bad body, unsupported blocks, no key, scope, budget 402, rate limit 429', async () => {
    const check = async (promise: Promise<unknown>, status: number, type: string, pattern?: RegExp) =>
      assert.rejects(promise, (error: unknown) => {
        assert.ok(error instanceof Anthropic.APIError, String(error));
        assert.equal(error.status, status);
        const body = error.error as { type: string; error: { type: string; message: string } };
        assert.equal(body.type, 'error');
        assert.equal(body.error.type, type);
        if (pattern) assert.match(body.error.message, pattern);
        return true;
      });
    const { max_tokens: _, ...noMax } = ask('hi');
    await check(client.messages.create(noMax as Anthropic.MessageCreateParamsNonStreaming), 400, 'invalid_request_error', /max_tokens/);
    await check(
      client.messages.create(ask('hi', { tools: [{ type: 'web_search_20250305', name: 'web_search' }] })),
      400,
      'invalid_request_error',
      /tools\[0\]\.type/,
    );
    await check(
      client.messages.create({
        ...ask(''),
        messages: [{ role: 'user', content: [{ type: 'document', source: { type: 'text', media_type: 'text/plain', data: 'x' } }] }],
      }),
      400,
      'invalid_request_error',
      /messages\[0\]\.content\[0\]\.type/,
    );
    await check(
      client.messages.create({ ...ask(''), messages: [{ role: 'user', content: [{ type: 'tool_result', tool_use_id: 'nope', content: 'x' }] }] }),
      400,
      'invalid_request_error',
      /tool_use_id/,
    );
    await check(clientFor('flm_wrong').messages.create(ask('hi')), 401, 'authentication_error');
    const none = await request(`${gw.url}/v1/messages`, { method: 'POST', body: JSON.stringify(ask('hi')), headers: { 'content-type': 'application/json' } });
    assert.equal(none.statusCode, 401);
    assert.equal(((await none.body.json()) as { error: { type: string } }).error.type, 'authentication_error');

    const scoped = clientFor((await admin({ name: 'scoped', models: ['claude'] })).key);
    await check(scoped.messages.create(ask('hi')), 403, 'permission_error', /cloud-chat/);
    const broke = clientFor((await admin({ name: 'broke', budget: { usd: 0.000001, period: 'month' } })).key);
    await check(broke.messages.create(ask('hi')), 402, 'permission_error', /budget/i);
    const limited = clientFor((await admin({ name: 'limited', rpm: 1 })).key);
    await limited.messages.create(ask('hi'));
    await check(limited.messages.create(ask('hi')), 429, 'rate_limit_error');
    await check(client.messages.create(ask('hi', { model: 'no-such-model' })), 404, 'not_found_error');
  });

  it('an upstream failure: before the first byte a status and body, after it one `error` event', async () => {
    cloud.script({ kind: 'fail', status: 500, message: 'boom' });
    await assert.rejects(client.messages.create(ask('hi')), (error: unknown) => error instanceof Anthropic.APIError && error.status === 502);
    cloud.script({ kind: 'fail', status: 500, message: 'boom' });
    const before = await request(`${gw.url}/v1/messages`, {
      method: 'POST',
      headers: { 'x-api-key': gw.key, 'content-type': 'application/json' },
      body: JSON.stringify({ ...ask('Compte.'), stream: true }),
    });
    assert.equal(before.statusCode, 502);
    assert.match(String(before.headers['content-type']), /^application\/json/);
    assert.deepEqual(((await before.body.json()) as { type: string; error: { type: string; code: string } }).error.type, 'api_error');
    cloud.script({ kind: 'error-mid-stream', afterChunks: 3 });
    const res = await request(`${gw.url}/v1/messages`, {
      method: 'POST',
      headers: { 'x-api-key': gw.key, 'content-type': 'application/json' },
      body: JSON.stringify({ ...ask('Compte.'), stream: true }),
    });
    assert.equal(res.statusCode, 200);
    const raw = await res.body.text();
    const last = raw.trim().split('\n\n').at(-1) ?? '';
    assert.match(last, /^event: error\ndata: /);
    assert.equal((JSON.parse(last.split('\ndata: ')[1] ?? '{}') as { type: string }).type, 'error');
    assert.ok(!raw.includes('event: message_stop'));
    cloud.script({ kind: 'error-mid-stream', afterChunks: 3 });
    await assert.rejects(client.messages.stream(ask('Compte.')).finalMessage(), Anthropic.APIError);
  });

  it('a client that stops reading its stream makes the upstream see the abort', async () => {
    cloud.script({ kind: 'slow', delayMs: 20, then: { kind: 'reply', text: 'un deux trois quatre cinq six sept huit neuf dix onze douze' } });
    const stream = client.messages.stream(ask('Compte.'));
    for await (const event of stream) if (event.type === 'content_block_delta') break;
    await cloud.waitFor((r) => r[0]?.aborted === true);
    assert.equal(cloud.requests[0]?.completed, false);
  });

  it('privacy: a personal value is pseudonymised upstream and restored, whole and streamed', async () => {
    cloud.setDefault({ kind: 'echo' });
    const content = `Écris à ${PERSON} (${EMAIL}).`;
    for (const model of ['cloud-chat', 'claude']) {
      cloud.reset();
      cloud.setDefault({ kind: 'echo' });
      const whole = await client.messages.create({ ...ask(content), model });
      const seen = JSON.stringify(cloud.requests[0]?.body);
      assert.ok(!seen.includes(EMAIL) && !seen.includes(PERSON), seen);
      assert.match(seen, /<EMAIL_1>/);
      const text = whole.content[0]?.type === 'text' ? whole.content[0].text : '';
      assert.ok(text.includes(EMAIL) && text.includes(PERSON), text);
      for (const chunkSize of [1, 3]) {
        cloud.script({ kind: 'echo', chunkSize });
        let streamed = '';
        const stream = client.messages.stream({ ...ask(content), model });
        stream.on('text', (delta) => (streamed += delta));
        await stream.finalMessage();
        assert.ok(streamed.includes(EMAIL) && streamed.includes(PERSON), `${model} chunk ${chunkSize}: ${streamed}`);
      }
    }
  });

  it('the Vercel AI SDK with @ai-sdk/anthropic: generateText and streamText, with a tool', async () => {
    const anthropic = createAnthropic({ baseURL: `${gw.url}/v1`, apiKey: gw.key });
    cloud.script({ kind: 'reply', text: 'Bonjour de flambeau.' });
    const plain = await generateText({ model: anthropic('cloud-chat'), prompt: 'Salut', maxRetries: 0 });
    assert.equal(plain.text, 'Bonjour de flambeau.');
    assert.equal(plain.finishReason, 'stop');
    assert.ok((plain.usage.inputTokens ?? 0) > 0 && (plain.usage.outputTokens ?? 0) > 0);

    cloud.script({ kind: 'reply', text: 'Un deux trois.', chunkSize: 2 });
    const streamed = streamText({ model: anthropic('claude'), prompt: 'Compte', maxRetries: 0 });
    let text = '';
    for await (const delta of streamed.textStream) text += delta;
    assert.equal(text, 'Un deux trois.');
    assert.ok(((await streamed.usage).outputTokens ?? 0) > 0);

    cloud.script({ kind: 'reply', toolCalls: [{ name: 'getWeather', arguments: '{"city":"Paris"}', id: 'call_9' }] }, { kind: 'reply', text: 'Il fait beau.' });
    const withTool = await generateText({
      model: anthropic('cloud-chat'),
      prompt: 'Météo à Paris ?',
      maxRetries: 0,
      tools: {
        getWeather: tool({
          description: 'Current weather for a city',
          inputSchema: jsonSchema<{ city: string }>(weatherTool.input_schema),
          execute: async ({ city }) => ({ city, sky: 'clear' }),
        }),
      },
      stopWhen: ({ steps }) => steps.length >= 2,
    });
    assert.equal(withTool.text, 'Il fait beau.');
    assert.deepEqual(withTool.steps[0]?.toolCalls[0]?.input, { city: 'Paris' });
    const second = cloud.requests.at(-1)?.body as { messages: Record<string, unknown>[] };
    assert.equal(second.messages.find((m) => m.role === 'tool')?.tool_call_id, 'call_9');
  });
});
