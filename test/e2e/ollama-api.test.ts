import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { Ollama, type ChatResponse } from 'ollama';
import { request } from 'undici';
import { embeddingVector, startStandInCloud, type StandInCloud } from '../helpers/stand-in-cloud.js';
import { ollamaError } from '../helpers/ollama-error.js';
import { startTestGateway, type TestGateway } from '../helpers/start-gateway.js';

/** The `ollama` npm client, unchanged but for its host and a bearer key, against the real server. */
describe('the Ollama API through the real server, with the ollama client', () => {
  let cloud: StandInCloud;
  let gw: TestGateway;
  let ollama: Ollama;
  const clientFor = (key?: string) => new Ollama({ host: gw.url, ...(key === undefined ? {} : { headers: { authorization: `Bearer ${key}` } }) });
  const newKey = async (body: Record<string, unknown>): Promise<string> => {
    const res = await request(`${gw.url}/admin/keys`, {
      method: 'POST',
      headers: { authorization: `Bearer ${gw.key}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    assert.equal(res.statusCode, 201);
    return ((await res.body.json()) as { key: string }).key;
  };

  before(async () => {
    cloud = await startStandInCloud();
    gw = await startTestGateway({
      providers: [{ id: 'cloud', type: 'openai-compatible', base_url: cloud.openaiBaseUrl, locality: 'cloud' }],
      models: [
        { name: 'cloud-echo', provider: 'cloud', model: 'echo-1' },
        { name: 'cloud-priced', provider: 'cloud', model: 'priced-1', price: { input_per_mtok: 1, output_per_mtok: 1 }, max_tokens: 20 },
      ],
      privacy: { cloud: 'pseudonymize' },
      routing: { retries: 0 },
    });
    ollama = clientFor(gw.key);
  });
  after(async () => {
    await gw.close();
    await cloud.close();
  });
  beforeEach(() => cloud.reset());

  const messages = [{ role: 'user', content: 'Bonjour' }];

  it('chat, whole: the answer, the counts and the name asked for', async () => {
    cloud.script({ kind: 'reply', text: 'Salut à toi.' });
    const res = await ollama.chat({
      model: 'cloud-echo',
      messages,
      stream: false,
      options: { temperature: 0.2, num_predict: 7, top_p: 0.9, seed: 4, stop: ['###'] },
    });
    assert.equal(res.model, 'cloud-echo');
    assert.equal(res.message.role, 'assistant');
    assert.equal(res.message.content, 'Salut à toi.');
    assert.equal(res.done, true);
    assert.equal(res.done_reason, 'stop');
    assert.ok(res.prompt_eval_count > 0 && res.eval_count > 0);
    assert.ok(res.total_duration >= 0);
    const sent = cloud.requests[0]?.body as Record<string, unknown>;
    assert.equal(sent.temperature, 0.2);
    assert.equal(sent.top_p, 0.9);
    assert.equal(sent.seed, 4);
    assert.deepEqual(sent.stop, ['###']);
    assert.equal(sent.max_tokens ?? sent.max_completion_tokens, 7);
  });

  it('chat, streamed: NDJSON pieces, then one done line with the counts', async () => {
    cloud.script({ kind: 'reply', text: 'one two three four' });
    let text = '';
    const parts: ChatResponse[] = [];
    for await (const part of await ollama.chat({ model: 'cloud-echo', messages, stream: true })) {
      parts.push(part);
      text += part.message.content;
    }
    assert.equal(text, 'one two three four');
    assert.ok(parts.length >= 3, 'the answer streams in several lines');
    assert.ok(parts.slice(0, -1).every((p) => !p.done));
    const last = parts.at(-1) as ChatResponse;
    assert.equal(last.done, true);
    assert.equal(last.done_reason, 'stop');
    assert.ok(last.eval_count > 0);
  });

  it('streams by default, with the NDJSON content type', async () => {
    const res = await request(`${gw.url}/api/chat`, {
      method: 'POST',
      headers: { authorization: `Bearer ${gw.key}` },
      body: JSON.stringify({ model: 'cloud-echo', messages }),
    });
    assert.equal(res.statusCode, 200);
    assert.equal(res.headers['content-type'], 'application/x-ndjson');
    assert.equal(res.headers['x-flambeau-provider'], 'cloud');
    assert.match(String(res.headers['x-request-id']), /\S/);
    const lines = (await res.body.text()).trim().split('\n');
    assert.ok(lines.every((line) => typeof JSON.parse(line) === 'object'));
    assert.equal((JSON.parse(lines.at(-1) as string) as { done: boolean }).done, true);
  });

  it('runs a tool round trip, whole and streamed', async () => {
    const tools = [
      {
        type: 'function',
        function: {
          name: 'getWeather',
          description: 'Weather for a city',
          parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
        },
      },
    ];
    for (const stream of [false, true]) {
      cloud.reset();
      cloud.script(
        { kind: 'reply', toolCalls: [{ name: 'getWeather', arguments: '{"city":"Paris"}', id: 'call_w1' }], finishReason: 'tool_calls' },
        { kind: 'reply', text: 'Il fait beau.' },
      );
      let message: ChatResponse['message'];
      if (stream) {
        const calls: NonNullable<ChatResponse['message']['tool_calls']> = [];
        for await (const part of await ollama.chat({ model: 'cloud-echo', messages, tools, stream: true })) calls.push(...(part.message.tool_calls ?? []));
        message = { role: 'assistant', content: '', tool_calls: calls };
      } else message = (await ollama.chat({ model: 'cloud-echo', messages, tools, stream: false })).message;
      assert.equal(message.tool_calls?.length, 1);
      assert.equal(message.tool_calls?.[0]?.function.name, 'getWeather');
      assert.deepEqual(message.tool_calls?.[0]?.function.arguments, { city: 'Paris' });
      assert.equal((cloud.requests[0]?.body as { tools: { function: { name: string } }[] }).tools[0]?.function.name, 'getWeather');

      const second = await ollama.chat({
        model: 'cloud-echo',
        messages: [...messages, message, { role: 'tool', content: '{"sky":"clear"}', tool_name: 'getWeather' }],
        tools,
        stream: false,
      });
      assert.equal(second.message.content, 'Il fait beau.');
      // injection.tools: spotlight (the default): a system message first, the tool result inside a data block.
      const [system, ...upstream] = (cloud.requests[1]?.body as { messages: Record<string, any>[] }).messages;
      assert.equal(system?.role, 'system');
      const callId = upstream[1]?.tool_calls?.[0]?.id as string;
      assert.match(callId, /\S/);
      assert.deepEqual(JSON.parse(upstream[1]?.tool_calls?.[0]?.function.arguments as string), { city: 'Paris' });
      assert.deepEqual({ role: upstream[2]?.role, tool_call_id: upstream[2]?.tool_call_id }, { role: 'tool', tool_call_id: callId });
      assert.match(String(upstream[2]?.content), /^<<data (\d{20}) tool result getWeather>>\n\u00a6\{"sky":"clear"\}\n<<\/data \1>>$/);
    }
  });

  it('format "json" and a JSON schema become response formats', async () => {
    await ollama.chat({ model: 'cloud-echo', messages, format: 'json', stream: false });
    const schema = { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] };
    await ollama.chat({ model: 'cloud-echo', messages, format: schema, stream: false });
    assert.deepEqual((cloud.requests[0]?.body as Record<string, unknown>).response_format, { type: 'json_object' });
    const second = (cloud.requests[1]?.body as { response_format: { type: string; json_schema: { schema: unknown } } }).response_format;
    assert.equal(second.type, 'json_schema');
    assert.deepEqual(second.json_schema.schema, schema);
  });

  it('accepts num_ctx and keep_alive and says they were not applied', async () => {
    const res = await request(`${gw.url}/api/chat`, {
      method: 'POST',
      headers: { authorization: `Bearer ${gw.key}` },
      body: JSON.stringify({ model: 'cloud-echo', messages, stream: false, keep_alive: '5m', options: { num_ctx: 4096 } }),
    });
    assert.equal(res.statusCode, 200);
    assert.equal(res.headers['x-flambeau-warnings'], 'unsupported:options.num_ctx, unsupported:keep_alive');
    await res.body.dump();
  });

  it('generate: prompt and system, whole and streamed; an empty prompt loads', async () => {
    cloud.setDefault({ kind: 'echo' });
    const whole = await ollama.generate({ model: 'cloud-echo', prompt: 'Dis bonjour', system: 'Sois bref.', stream: false });
    assert.equal(whole.response, 'Sois bref.\nDis bonjour');
    assert.equal(whole.done, true);
    assert.deepEqual((cloud.requests[0]?.body as { messages: unknown[] }).messages, [
      { role: 'system', content: 'Sois bref.' },
      { role: 'user', content: 'Dis bonjour' },
    ]);
    let text = '';
    for await (const part of await ollama.generate({ model: 'cloud-echo', prompt: 'Dis bonjour', system: 'ignored in raw', raw: true, stream: true }))
      text += part.response;
    assert.equal(text, 'Dis bonjour');
    const loaded = await ollama.generate({ model: 'cloud-echo', prompt: '', stream: false });
    assert.equal(loaded.done_reason, 'load');
    assert.equal(cloud.requests.length, 2, 'loading calls no upstream');
  });

  it('embed and the older embeddings', async () => {
    const res = await ollama.embed({ model: 'cloud-echo', input: ['alpha', 'beta'] });
    assert.equal(res.model, 'cloud-echo');
    assert.equal(res.embeddings.length, 2);
    assert.deepEqual(
      res.embeddings[0]?.map((x) => Math.fround(x)),
      Array.from(embeddingVector('alpha', res.embeddings[0]?.length ?? 0)),
    );
    const old = await ollama.embeddings({ model: 'cloud-echo', prompt: 'alpha' });
    assert.deepEqual(old.embedding, res.embeddings[0]);
  });

  it('version, list (tags), show and ps', async () => {
    assert.match((await ollama.version()).version, /^\d+\.\d+\.\d+$/);
    const names = (await ollama.list()).models.map((m) => m.name);
    assert.ok(names.includes('cloud-echo') && names.includes('cloud-priced'), names.join());
    const shown = await ollama.show({ model: 'cloud-echo' });
    assert.ok(shown.capabilities.includes('completion'));
    assert.equal(shown.details.format, '');
    assert.deepEqual((await ollama.ps()).models, [], 'no local model is loaded');
    await assert.rejects(ollama.show({ model: 'nope' }), ollamaError(404, /nope/));
  });

  it("errors in Ollama's shape: bad body, no key, scope, unknown model, model management", async () => {
    await assert.rejects(ollama.chat({ model: 'cloud-echo', messages, stream: false, options: { bogus: 1 } as never }), ollamaError(400, /options.*bogus/));
    await assert.rejects(ollama.chat({ model: 'cloud-echo', messages, stream: false, think: true }), ollamaError(400, /think/));
    await assert.rejects(clientFor().chat({ model: 'cloud-echo', messages, stream: false }), ollamaError(401, /key/i));
    const embedOnly = await newKey({ name: 'embed-only', endpoints: ['embeddings'] });
    await assert.rejects(clientFor(embedOnly).chat({ model: 'cloud-echo', messages, stream: false }), ollamaError(403, /chat/));
    await assert.rejects(clientFor(embedOnly).list(), ollamaError(403, /models/));
    const narrow = await newKey({ name: 'narrow', models: ['cloud-echo'] });
    assert.deepEqual(
      (await clientFor(narrow).list()).models.map((m) => m.name),
      ['cloud-echo'],
    );
    await assert.rejects(ollama.chat({ model: 'missing', messages, stream: true }), ollamaError(404, /missing/));
    await assert.rejects(ollama.pull({ model: 'llama3' }), ollamaError(403, /flambeau pull/));
    await assert.rejects(ollama.delete({ model: 'cloud-echo' }), ollamaError(403, /flambeau/));
    assert.equal(cloud.requests.length, 0);
  });

  it('402 when the budget is spent, 429 with retry-after past the rate limit', async () => {
    const poor = await newKey({ name: 'poor', budget: { usd: 1e-9, period: 'month' } });
    await assert.rejects(clientFor(poor).chat({ model: 'cloud-priced', messages, stream: false }), ollamaError(402, /budget/i));
    const limited = await newKey({ name: 'limited', rpm: 1 });
    await clientFor(limited).chat({ model: 'cloud-echo', messages, stream: false });
    const res = await request(`${gw.url}/api/chat`, {
      method: 'POST',
      headers: { authorization: `Bearer ${limited}` },
      body: JSON.stringify({ model: 'cloud-echo', messages, stream: false }),
    });
    assert.equal(res.statusCode, 429);
    assert.ok(Number(res.headers['retry-after']) > 0);
    assert.deepEqual(Object.keys((await res.body.json()) as object), ['error']);
  });

  it('a failure after the first line is one error line, which the client throws', async () => {
    cloud.script({ kind: 'error-mid-stream', afterChunks: 2 }, { kind: 'error-mid-stream', afterChunks: 2 });
    const seen: string[] = [];
    await assert.rejects(
      async () => {
        for await (const part of await ollama.chat({ model: 'cloud-echo', messages, stream: true })) seen.push(part.message.content);
      },
      (e: unknown) => e instanceof Error && e.message !== '',
    );
    assert.ok(seen.length >= 1, 'content came before the failure');
    const res = await request(`${gw.url}/api/chat`, {
      method: 'POST',
      headers: { authorization: `Bearer ${gw.key}` },
      body: JSON.stringify({ model: 'cloud-echo', messages }),
    });
    assert.equal(res.statusCode, 200);
    const lines = (await res.body.text())
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    assert.ok(lines.slice(0, -1).every((line) => line.done === false));
    const last = lines.at(-1) as Record<string, unknown>;
    assert.deepEqual(Object.keys(last), ['error']);
    assert.equal(typeof last.error, 'string');
  });

  it('an upstream failure before the first line is a real status with an Ollama error body', async () => {
    cloud.script({ kind: 'fail', status: 500, message: 'boom' });
    await assert.rejects(ollama.chat({ model: 'cloud-echo', messages, stream: true }), ollamaError(502, /\S/));
  });

  it('the client aborting its stream makes the upstream see the abort', async () => {
    cloud.script({ kind: 'slow', delayMs: 20, then: { kind: 'reply', text: 'a b c d e f g h i j k l m n o p' } });
    const stream = await ollama.chat({ model: 'cloud-echo', messages, stream: true });
    let received = 0;
    try {
      for await (const part of stream) {
        if (part.message.content !== '') {
          received += 1;
          stream.abort();
        }
      }
    } catch (error) {
      assert.equal((error as Error).name, 'AbortError');
    }
    assert.equal(received, 1);
    await cloud.waitFor((r) => r[0]?.aborted === true);
    assert.equal(cloud.requests[0]?.completed, false);
  });

  it('pseudonymises personal data to the cloud and restores it, whole and streamed', async () => {
    cloud.setDefault({ kind: 'echo' });
    const content = 'Écris à claire.martin@example.fr demain.';
    const whole = await ollama.chat({ model: 'cloud-echo', messages: [{ role: 'user', content }], stream: false });
    const seen = JSON.stringify(cloud.requests[0]?.body);
    assert.ok(seen.includes('<EMAIL_1>') && !seen.includes('claire.martin@example.fr'), seen);
    assert.ok(whole.message.content.includes('claire.martin@example.fr'), whole.message.content);
    for (const chunkSize of [1, 4]) {
      cloud.script({ kind: 'echo', chunkSize });
      let text = '';
      for await (const part of await ollama.chat({ model: 'cloud-echo', messages: [{ role: 'user', content }], stream: true })) text += part.message.content;
      assert.ok(text.includes('claire.martin@example.fr'), `chunk size ${chunkSize}: ${text}`);
    }
    const generated = await ollama.generate({ model: 'cloud-echo', prompt: content, stream: false });
    assert.ok(generated.response?.includes('claire.martin@example.fr'), generated.response);
    assert.ok(!JSON.stringify(cloud.requests.at(-1)?.body).includes('claire.martin@example.fr'));
  });
});
