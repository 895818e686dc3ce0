import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import OpenAI from 'openai';
import { request } from 'undici';
import { startStandInCloud, type StandInCloud } from '../helpers/stand-in-cloud.js';
import { startTestGateway, type TestGateway } from '../helpers/start-gateway.js';

type Event = OpenAI.Responses.ResponseStreamEvent;

/** Item ids name the response they belong to: two answers with the same content differ only there. */
const withoutIds = (output: readonly OpenAI.Responses.ResponseOutputItem[]) => output.map((item) => ({ ...item, id: undefined }));

/** POST /v1/responses through the official OpenAI client, onto the stand-in cloud. */
describe('the OpenAI Responses API through the openai client', () => {
  let cloud: StandInCloud;
  let gw: TestGateway;
  let client: OpenAI;

  const post = async (body: unknown, key: string | null = gw.key) => {
    const res = await request(`${gw.url}/v1/responses`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(key === null ? {} : { authorization: `Bearer ${key}` }) },
      body: JSON.stringify(body),
    });
    return { status: res.statusCode, body: (await res.body.json()) as { error: { code: string; param: string | null; message: string; type: string } } };
  };
  const newKey = async (body: Record<string, unknown>): Promise<string> => {
    const res = await request(`${gw.url}/admin/keys`, {
      method: 'POST',
      headers: { authorization: `Bearer ${gw.key}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    assert.equal(res.statusCode, 201);
    return ((await res.body.json()) as { key: string }).key;
  };
  const collect = async (stream: AsyncIterable<Event>): Promise<Event[]> => {
    const events: Event[] = [];
    for await (const event of stream) events.push(event);
    return events;
  };

  before(async () => {
    cloud = await startStandInCloud();
    gw = await startTestGateway({
      providers: [{ id: 'cloud', type: 'openai-compatible', base_url: cloud.openaiBaseUrl, locality: 'cloud' }],
      models: [
        { name: 'cloud-small', provider: 'cloud', model: 'small-1', price: { input_per_mtok: 1, output_per_mtok: 1 } },
        { name: 'cloud-free', provider: 'cloud', model: 'free-1' },
      ],
      privacy: { cloud: 'pseudonymize' },
      routing: { retries: 0 },
      // These tests check how Responses items translate, byte for byte: tool outputs go up as they
      // came (the default, spotlight, is tested through every door in injection-spine.test.ts).
      injection: { tools: 'allow' },
    });
    client = new OpenAI({ baseURL: gw.baseURL, apiKey: gw.key, maxRetries: 0 });
  });
  after(async () => {
    await gw.close();
    await cloud.close();
  });
  beforeEach(() => cloud.reset());

  it('answers a string input with the upstream text, Responses usage and target headers', async () => {
    cloud.script({ kind: 'reply', text: 'Hello there, friend.' });
    const { data, response } = await client.responses
      .create({ model: 'cloud-free', input: 'Say hello.', instructions: 'Be brief.', max_output_tokens: 50 })
      .withResponse();
    assert.equal(data.output_text, 'Hello there, friend.');
    assert.equal(data.object, 'response');
    assert.equal(data.status, 'completed');
    assert.equal(data.model, 'cloud-free');
    assert.match(data.id, /^resp_/);
    assert.equal(data.instructions, 'Be brief.');
    assert.equal(data.max_output_tokens, 50);
    assert.equal(data.output.length, 1);
    const item = data.output[0];
    assert.ok(item?.type === 'message' && item.role === 'assistant' && item.status === 'completed');
    const usage = data.usage;
    assert.ok(usage !== undefined && usage !== null && usage.input_tokens > 0 && usage.output_tokens > 0);
    assert.equal(usage.total_tokens, usage.input_tokens + usage.output_tokens);
    assert.deepEqual(usage.input_tokens_details, { cached_tokens: 0 });
    assert.deepEqual(usage.output_tokens_details, { reasoning_tokens: 0 });
    assert.equal(response.headers.get('x-flambeau-provider'), 'cloud');
    assert.equal(response.headers.get('x-flambeau-locality'), 'cloud');
    const sent = cloud.requests[0]?.body as { model: string; messages: unknown; max_tokens?: number; max_completion_tokens?: number };
    assert.equal(sent.model, 'free-1');
    assert.deepEqual(sent.messages, [
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'Say hello.' },
    ]);
  });

  it('reads input items: messages with parts, developer and assistant turns', async () => {
    await client.responses.create({
      model: 'cloud-free',
      input: [
        { role: 'developer', content: 'Answer in French.' },
        { role: 'user', content: [{ type: 'input_text', text: 'Hi' }] },
        { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'Salut', annotations: [] }] },
        { role: 'user', content: 'Again' },
      ] as OpenAI.Responses.ResponseInput,
      temperature: 0.5,
      top_p: 0.9,
    });
    const sent = cloud.requests[0]?.body as { messages: { role: string; content: unknown }[]; temperature: number; top_p: number };
    assert.deepEqual(
      sent.messages.map((m) => [m.role, JSON.stringify(m.content)]),
      [
        ['system', '"Answer in French."'],
        ['user', JSON.stringify([{ type: 'text', text: 'Hi' }])],
        ['assistant', JSON.stringify([{ type: 'text', text: 'Salut' }])],
        ['user', '"Again"'],
      ],
    );
    assert.equal(sent.temperature, 0.5);
    assert.equal(sent.top_p, 0.9);
  });

  it('streams the real event sequence, numbered, reassembling to the non-streamed answer', async () => {
    const text = 'The quick brown fox jumps over the lazy dog, twice.';
    cloud.script({ kind: 'reply', text }, { kind: 'reply', text, chunkSize: 3 });
    const whole = await client.responses.create({ model: 'cloud-free', input: 'Go.' });
    const { data: stream, response } = await client.responses.create({ model: 'cloud-free', input: 'Go.', stream: true }).withResponse();
    assert.match(response.headers.get('content-type') ?? '', /^text\/event-stream/);
    const events = await collect(stream);
    assert.deepEqual(
      events.map((e) => e.sequence_number),
      events.map((_, i) => i),
    );
    const types = events.map((e) => e.type).filter((t, i, all) => t !== 'response.output_text.delta' || all[i - 1] !== t);
    assert.deepEqual(types, [
      'response.created',
      'response.in_progress',
      'response.output_item.added',
      'response.content_part.added',
      'response.output_text.delta',
      'response.output_text.done',
      'response.content_part.done',
      'response.output_item.done',
      'response.completed',
    ]);
    const deltas = events.filter((e) => e.type === 'response.output_text.delta');
    assert.ok(deltas.length > 5);
    assert.equal(deltas.map((e) => e.delta).join(''), text);
    const done = events.find((e) => e.type === 'response.output_text.done');
    assert.equal(done?.type === 'response.output_text.done' ? done.text : undefined, text);
    const completed = events.at(-1);
    assert.ok(completed?.type === 'response.completed');
    assert.equal(completed.response.status, 'completed');
    assert.deepEqual(withoutIds(completed.response.output), withoutIds(whole.output));
    assert.deepEqual(completed.response.usage, whole.usage);
    assert.equal(completed.response.id, events[0]?.type === 'response.created' ? events[0].response.id : undefined);
  });

  it('returns function calls and takes their outputs back (round trip), streamed and not', async () => {
    const call = { name: 'getWeather', arguments: '{"city":"Paris","unit":"celsius"}', id: 'call_abc' };
    cloud.script({ kind: 'reply', toolCalls: [call] });
    const tools: OpenAI.Responses.FunctionTool[] = [
      { type: 'function', name: 'getWeather', description: 'Weather', parameters: { type: 'object', properties: { city: { type: 'string' } } }, strict: false },
    ];
    const input: OpenAI.Responses.ResponseInput = [{ role: 'user', content: 'Weather in Paris?' }];
    const first = await client.responses.create({ model: 'cloud-free', input, tools, tool_choice: 'auto' });
    const fc = first.output[0];
    assert.ok(fc?.type === 'function_call');
    assert.equal(fc.name, 'getWeather');
    assert.equal(fc.call_id, 'call_abc');
    assert.equal(fc.arguments, call.arguments);
    assert.equal(first.tools[0]?.type === 'function' ? first.tools[0].name : undefined, 'getWeather');
    const sentTools = (cloud.requests[0]?.body as { tools: unknown; tool_choice: unknown }).tools;
    assert.deepEqual(sentTools, [
      { type: 'function', function: { name: 'getWeather', description: 'Weather', parameters: tools[0]?.parameters, strict: false } },
    ]);
    assert.equal((cloud.requests[0]?.body as { tool_choice: unknown }).tool_choice, 'auto');

    cloud.script({ kind: 'reply', text: 'It is 21 degrees.' });
    const second = await client.responses.create({
      model: 'cloud-free',
      tools,
      input: [...input, ...first.output, { type: 'function_call_output', call_id: fc.call_id, output: '{"temperature":21}' }] as OpenAI.Responses.ResponseInput,
    });
    assert.equal(second.output_text, 'It is 21 degrees.');
    const sent = (cloud.requests[1]?.body as { messages: unknown[] }).messages;
    assert.deepEqual(sent.slice(1), [
      { role: 'assistant', content: null, tool_calls: [{ id: 'call_abc', type: 'function', function: { name: 'getWeather', arguments: call.arguments } }] },
      { role: 'tool', tool_call_id: 'call_abc', content: '{"temperature":21}' },
    ]);

    cloud.script({ kind: 'reply', toolCalls: [call], chunkSize: 4 });
    const events = await collect(await client.responses.create({ model: 'cloud-free', input, tools, stream: true }));
    const types = [...new Set(events.map((e) => e.type))];
    assert.deepEqual(types, [
      'response.created',
      'response.in_progress',
      'response.output_item.added',
      'response.function_call_arguments.delta',
      'response.function_call_arguments.done',
      'response.output_item.done',
      'response.completed',
    ]);
    const argsDone = events.find((e) => e.type === 'response.function_call_arguments.done');
    assert.equal(argsDone?.type === 'response.function_call_arguments.done' ? argsDone.arguments : undefined, call.arguments);
    const completed = events.at(-1);
    assert.ok(completed?.type === 'response.completed');
    assert.deepEqual(withoutIds(completed.response.output), withoutIds(first.output));
  });

  it('the stream helper of the client reassembles a streamed response', async () => {
    cloud.script({ kind: 'reply', text: 'Streamed through the helper.' });
    const final = await client.responses.stream({ model: 'cloud-free', input: 'Go.' }).finalResponse();
    assert.equal(final.output_text, 'Streamed through the helper.');
  });

  it('a cut answer is incomplete with reason max_output_tokens, streamed and not', async () => {
    cloud.script({ kind: 'reply', text: 'Cut', finishReason: 'length' }, { kind: 'reply', text: 'Cut', finishReason: 'length' });
    const whole = await client.responses.create({ model: 'cloud-free', input: 'Go.', max_output_tokens: 1 });
    assert.equal(whole.status, 'incomplete');
    assert.deepEqual(whole.incomplete_details, { reason: 'max_output_tokens' });
    const events = await collect(await client.responses.create({ model: 'cloud-free', input: 'Go.', max_output_tokens: 1, stream: true }));
    const last = events.at(-1);
    assert.equal(last?.type, 'response.incomplete');
  });

  it('a failure after the first byte ends the stream with response.failed', async () => {
    cloud.script({ kind: 'error-mid-stream', afterChunks: 2 });
    const events = await collect(await client.responses.create({ model: 'cloud-free', input: 'Go.', stream: true }));
    const last = events.at(-1);
    assert.ok(last?.type === 'response.failed', JSON.stringify(last));
    assert.equal(last.response.status, 'failed');
    assert.equal(last.response.error?.code, 'upstream_failed');
    assert.ok(events.some((e) => e.type === 'response.output_text.delta'));
  });

  it('a client that cancels its stream stops the upstream', async () => {
    cloud.script({ kind: 'slow', delayMs: 100, then: { kind: 'reply', text: 'one two three four five six seven eight nine ten eleven twelve' } });
    const controller = new AbortController();
    const stream = await client.responses.create({ model: 'cloud-free', input: 'hi', stream: true, store: false }, { signal: controller.signal });
    let received = 0;
    try {
      for await (const event of stream) {
        if (event.type === 'response.output_text.delta') {
          received += 1;
          controller.abort();
        }
      }
    } catch (error) {
      assert.equal((error as Error).name, 'APIUserAbortError');
    }
    assert.equal(received, 1);
    await cloud.waitFor((r) => r[0]?.aborted === true);
    assert.equal(cloud.requests[0]?.completed, false);
  });

  it('pseudonymises personal data upstream and restores it in the answer, streamed and not', async () => {
    const text = 'Write to Claire Martin <claire.martin@example.fr> today.';
    cloud.setDefault({ kind: 'echo' });
    const whole = await client.responses.create({ model: 'cloud-free', input: text });
    const seen = JSON.stringify(cloud.requests[0]?.body);
    assert.ok(seen.includes('<<EMAIL_1>>'), seen);
    assert.ok(!seen.includes('claire.martin@example.fr'), seen);
    assert.ok(whole.output_text.includes('claire.martin@example.fr'), whole.output_text);
    for (const chunkSize of [1, 3]) {
      cloud.script({ kind: 'echo', chunkSize });
      const events = await collect(await client.responses.create({ model: 'cloud-free', input: [{ role: 'user', content: text }], stream: true }));
      const streamed = events.flatMap((e) => (e.type === 'response.output_text.delta' ? [e.delta] : [])).join('');
      assert.ok(streamed.includes(text), `chunk size ${chunkSize}: ${streamed}`);
      const seenStreamed = JSON.stringify(cloud.requests.at(-1)?.body);
      assert.ok(!seenStreamed.includes('claire.martin@example.fr'), seenStreamed);
    }
  });

  it('answers 400 naming the field for a bad body and for each unsupported feature', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ model: 'cloud-free' }, 'input'],
      [{ model: 'cloud-free', input: 'x', tools: [{ type: 'web_search' }] }, 'tools[0].type'],
      [{ model: 'cloud-free', input: 'x', tools: [{ type: 'file_search', vector_store_ids: ['vs_1'] }] }, 'tools[0].type'],
      [{ model: 'cloud-free', input: 'x', background: true }, 'background'],
      [{ model: 'cloud-free', input: 'x', previous_response_id: 'resp_1' }, 'previous_response_id'],
      [{ model: 'cloud-free', input: 'x', include: ['file_search_call.results'] }, 'include'],
      [{ model: 'cloud-free', input: 'x', truncation: 'auto' }, 'truncation'],
      [{ model: 'cloud-free', input: 'x', reasoning: { effort: 'high' } }, 'reasoning.effort'],
      [{ model: 'cloud-free', input: 'x', made_up: 1 }, 'made_up'],
      [{ model: 'cloud-free', input: [{ type: 'item_reference', id: 'msg_1' }] }, 'input[0].id'],
      [{ model: 'cloud-free', input: [{ role: 'user', content: [{ type: 'input_file', file_id: 'f' }] }] }, 'input[0].content[0].type'],
      [{ model: 'cloud-free', input: [{ type: 'function_call_output', call_id: 'nope', output: 'x' }] }, 'input[0].call_id'],
      [{ model: 'cloud-free', input: 'x', tool_choice: { type: 'web_search_preview' } }, 'tool_choice'],
      [{ model: 'cloud-free', input: 'x', text: { format: { type: 'json_schema' } } }, 'text.format.name'],
    ];
    for (const [body, param] of cases) {
      const res = await post(body);
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.equal(res.body.error.code, 'invalid_request', JSON.stringify(res.body));
      assert.equal(res.body.error.param, param, JSON.stringify(res.body));
      assert.equal(res.body.error.type, 'invalid_request_error');
    }
    assert.equal(cloud.requests.length, 0);
  });

  it('refusals keep the OpenAI envelope the client parses: no key, scope, budget, rate limit', async () => {
    assert.equal((await post({ model: 'cloud-free', input: 'x' }, null)).status, 401);
    await assert.rejects(
      new OpenAI({ baseURL: gw.baseURL, apiKey: 'flm_wrong', maxRetries: 0 }).responses.create({ model: 'cloud-free', input: 'x' }),
      OpenAI.AuthenticationError,
    );

    const scoped = new OpenAI({ baseURL: gw.baseURL, apiKey: await newKey({ name: 'scoped', models: ['cloud-free'] }), maxRetries: 0 });
    await assert.rejects(scoped.responses.create({ model: 'cloud-small', input: 'x' }), OpenAI.PermissionDeniedError);

    const poor = new OpenAI({ baseURL: gw.baseURL, apiKey: await newKey({ name: 'poor', budget: { usd: 0.000001, period: 'month' } }), maxRetries: 0 });
    await assert.rejects(poor.responses.create({ model: 'cloud-small', input: 'x', max_output_tokens: 1000 }), (e: unknown) => {
      assert.ok(e instanceof OpenAI.APIError);
      assert.equal(e.status, 402);
      assert.equal(e.code, 'budget_exhausted');
      return true;
    });

    const limited = new OpenAI({ baseURL: gw.baseURL, apiKey: await newKey({ name: 'limited', rpm: 1 }), maxRetries: 0 });
    await limited.responses.create({ model: 'cloud-free', input: 'x' });
    await assert.rejects(limited.responses.create({ model: 'cloud-free', input: 'x', stream: true }), (e: unknown) => {
      assert.ok(e instanceof OpenAI.RateLimitError);
      assert.equal(e.code, 'rate_limited');
      assert.ok(Number(e.headers?.get('retry-after')) > 0);
      return true;
    });
  });
});
