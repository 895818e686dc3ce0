import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, beforeEach, describe, it } from 'node:test';
import { startStandInCloud, type Behaviour, type StandInCloud } from '../../../test/helpers/stand-in-cloud.js';
import { Secret } from '../../config/secret.js';
import { FlambeauError } from '../../errors/index.js';
import { describeChatModelContract, type ChatCase, type ChatModelContractSubject } from '../__fixtures__/chat-model-contract.js';
import type { ChatEvent, ChatModel, ChatRequest, Provider, ToolSpec } from '../spec.js';
import { createAnthropicProvider } from './anthropic-provider.js';

const fixture = (name: string): Promise<Buffer> => readFile(new URL(`./__fixtures__/${name}`, import.meta.url));
const request = (extra: Partial<ChatRequest> = {}): ChatRequest => ({ model: 'ignored', messages: [{ role: 'user', content: 'Hi' }], ...extra });
const KEY = 'sk-ant-contract';
const WEATHER: ToolSpec = { name: 'get_weather', description: 'Weather of a city', parameters: { type: 'object', properties: { city: { type: 'string' } } } };

async function collect(events: AsyncIterable<ChatEvent>): Promise<ChatEvent[]> {
  const out: ChatEvent[] = [];
  for await (const event of events) out.push(event);
  return out;
}

let contractCloud: StandInCloud;
const contractProviders: Provider[] = [];

async function makeSubject(): Promise<ChatModelContractSubject> {
  contractCloud = await startStandInCloud({ apiKey: KEY });
  const cloud = contractCloud;
  const provider = (extra: { timeouts?: { firstByteTimeoutMs: number } } = {}): Provider => {
    const created = createAnthropicProvider({ id: 'claude', baseUrl: cloud.anthropicBaseUrl, apiKey: new Secret(KEY), locality: 'cloud', ...extra });
    contractProviders.push(created);
    return created;
  };
  const model = provider().chatModel({ name: 'sonnet', model: 'claude-sonnet-4-5', maxTokens: 256 });
  const impatient = provider({ timeouts: { firstByteTimeoutMs: 50 } }).chatModel({ name: 'sonnet', model: 'claude-sonnet-4-5' });
  // Every call until the next arrangement gets the same behaviour: a call that never reaches the
  // cloud (an aborted signal) leaves nothing queued for the next case.
  const answer = (behaviour: Behaviour): void => cloud.setDefault(behaviour);
  const plain = (req: ChatRequest = request()): ChatCase => ({ model, request: req });
  const raw = (body: string) => async (): Promise<ChatCase> => {
    answer({ kind: 'raw', body });
    return plain();
  };
  const textSse = (await fixture('text.sse')).toString('utf8');
  return {
    model,
    async text() {
      answer({ kind: 'reply', text: 'Hello from the contract suite.' });
      return { ...plain(), text: 'Hello from the contract suite.' };
    },
    async length() {
      answer({ kind: 'reply', text: 'Cut short', finishReason: 'max_tokens' });
      return plain(request({ maxTokens: 2 }));
    },
    async toolCall() {
      answer({ kind: 'reply', toolCalls: [{ name: 'get_weather', arguments: '{"city":"Paris"}' }] });
      return { ...plain(request({ tools: [WEATHER] })), name: 'get_weather', arguments: { city: 'Paris' } };
    },
    warnings: {
      async unsupported() {
        answer({ kind: 'reply' });
        return { ...plain(request({ seed: 7 })), warning: { kind: 'unsupported', setting: 'seed' } };
      },
    },
    upstream: {
      async status(status) {
        answer({ kind: 'fail', status, ...(status === 429 ? { retryAfterSeconds: 3 } : {}) });
        return plain();
      },
      async silence() {
        answer({ kind: 'hang' });
        return { model: impatient, request: request() };
      },
      async stall() {
        const before = cloud.requests.length;
        // The recorded stream through its first text delta, then nothing: an upstream still generating.
        answer({ kind: 'raw', body: textSse.slice(0, textSse.lastIndexOf('event: content_block_delta')), hold: true });
        return { ...plain(), closed: () => cloud.waitFor((r) => r[before]?.aborted === true) };
      },
      async errorMidStream() {
        answer({ kind: 'error-mid-stream', afterChunks: 5 });
        // Frames: message_start, content_block_start, ping, 'Hello', ' from', then the error event.
        return { ...plain(), textBefore: 'Hello from' };
      },
      malformed: [
        { what: 'a message that is not JSON', stream: false, arrange: raw('{"hello":') },
        { what: 'a message whose content is not an array', stream: false, arrange: raw('{"type":"message","content":"Hi","stop_reason":"end_turn"}') },
        { what: 'a message whose usage counts are strings', stream: false, arrange: raw('{"type":"message","content":[],"usage":{"input_tokens":"3"}}') },
        { what: 'a stream event that is not JSON', stream: true, arrange: raw('event: message_start\ndata: {not json\n\n') },
        {
          what: 'a stream event with a wrong-typed index',
          stream: true,
          arrange: raw(
            `${textSse.slice(0, textSse.indexOf('event: content_block_start'))}event: content_block_delta\ndata: {"type":"content_block_delta","index":"0","delta":{"type":"text_delta","text":"x"}}\n\n`,
          ),
        },
        { what: 'a stream event that is JSON null', stream: true, arrange: raw('event: message_start\ndata: null\n\n') },
      ],
    },
  };
}

describeChatModelContract('anthropic (stand-in cloud)', makeSubject, async () => {
  for (const p of contractProviders) await p.close();
  await contractCloud.close();
});

describe('anthropic provider: wire specifics', () => {
  let cloud: StandInCloud;
  let provider: Provider;
  let model: ChatModel;

  before(async () => {
    cloud = await startStandInCloud();
    provider = createAnthropicProvider({
      id: 'claude',
      baseUrl: cloud.anthropicBaseUrl,
      apiKey: new Secret('sk-ant-test'),
      locality: 'cloud',
      headers: { 'anthropic-beta': 'test-beta' },
    });
    model = provider.chatModel({ name: 'sonnet', model: 'claude-sonnet-4-5', maxTokens: 256 });
  });
  beforeEach(() => cloud.reset());
  after(async () => {
    await provider.close();
    await cloud.close();
  });

  it('is a cloud chat provider without embeddings', () => {
    assert.equal(provider.type, 'anthropic');
    assert.equal(provider.embeddingModel, undefined);
    assert.equal(model.provider, 'claude');
    assert.equal(model.model, 'claude-sonnet-4-5');
    assert.equal(model.locality, 'cloud');
  });

  it('generates: sends the key, version and JSON headers to /v1/messages and reads the message', async () => {
    cloud.script({ kind: 'raw', body: await fixture('text.json') });
    const result = await model.generate(request({ seed: 1 }), new AbortController().signal);
    assert.deepEqual(result, {
      text: 'Hi! My name is Claude.',
      toolCalls: [],
      finish: { reason: 'stop', raw: 'end_turn' },
      usage: { inputTokens: 2110, outputTokens: 503, estimated: false, cachedInputTokens: 5 },
      warnings: [{ kind: 'unsupported', setting: 'seed', detail: 'Anthropic has no seed.' }],
    });
    const [seen] = cloud.requests;
    assert.ok(seen !== undefined);
    assert.equal(seen.method, 'POST');
    assert.equal(seen.path, '/v1/messages');
    assert.equal(seen.headers['x-api-key'], 'sk-ant-test');
    assert.equal(seen.headers['anthropic-version'], '2023-06-01');
    assert.equal(seen.headers['anthropic-beta'], 'test-beta');
    assert.equal(seen.headers['content-type'], 'application/json');
    assert.equal(seen.headers.authorization, undefined);
    assert.deepEqual(seen.body, { model: 'claude-sonnet-4-5', max_tokens: 256, messages: [{ role: 'user', content: 'Hi' }] });
  });

  it('generates tool calls with the input re-serialised as arguments', async () => {
    cloud.script({ kind: 'raw', body: await fixture('tool-call.json') });
    const result = await model.generate(request({ tools: [{ name: 'get_weather' }] }), new AbortController().signal);
    assert.equal(result.text, "I'll check the current weather in San Francisco for you.");
    assert.deepEqual(result.toolCalls, [
      { id: 'toolu_01A09q90qw90lq917835lq9', name: 'get_weather', arguments: '{"location":"San Francisco, CA","unit":"celsius"}' },
    ]);
    assert.deepEqual(result.finish, { reason: 'tool-calls', raw: 'tool_use' });
  });

  it('generates a JSON answer from the forced tool when responseFormat asks for JSON', async () => {
    const message = {
      id: 'msg_1',
      type: 'message',
      role: 'assistant',
      model: 'claude-sonnet-4-5',
      stop_reason: 'tool_use',
      stop_sequence: null,
      content: [{ type: 'tool_use', id: 'toolu_1', name: 'city_answer', input: { city: 'Paris' } }],
      usage: { input_tokens: 20, output_tokens: 9 },
    };
    cloud.script({ kind: 'raw', body: JSON.stringify(message) });
    const result = await model.generate(
      request({ responseFormat: { type: 'json_schema', name: 'city_answer', schema: { type: 'object', properties: { city: { type: 'string' } } } } }),
      new AbortController().signal,
    );
    assert.equal(result.text, '{"city":"Paris"}');
    assert.deepEqual(result.toolCalls, []);
    assert.deepEqual(result.finish, { reason: 'stop', raw: 'tool_use' });
    assert.deepEqual((cloud.requests[0]?.body as Record<string, unknown>).tool_choice, { type: 'tool', name: 'city_answer', disable_parallel_tool_use: true });
  });

  it('streams: sends stream: true and translates the events', async () => {
    cloud.script({ kind: 'raw', body: await fixture('tool-call.sse') });
    const events = await collect(model.stream(request({ maxTokens: 50 }), new AbortController().signal));
    assert.equal(events[0]?.type, 'stream-start');
    assert.deepEqual(
      events.filter((e) => e.type === 'tool-call-delta' && e.id !== undefined).map((e) => e.type === 'tool-call-delta' && [e.index, e.name]),
      [
        [0, 'get_weather'],
        [1, 'get_time'],
      ],
    );
    assert.deepEqual(events.at(-1), {
      type: 'stream-end',
      finish: { reason: 'tool-calls', raw: 'tool_use' },
      usage: { inputTokens: 572, outputTokens: 89, estimated: false, cachedInputTokens: 100 },
    });
    const seen = cloud.requests[0];
    const body = seen?.body as Record<string, unknown>;
    assert.equal(body.stream, true);
    assert.equal(body.max_tokens, 50);
    assert.equal(seen?.headers.accept, 'text/event-stream');
    assert.equal(seen?.headers['x-api-key'], 'sk-ant-test');
  });

  it('maps 529 overloaded to upstream_failed with the upstream status and the message of its error body', async () => {
    cloud.script({ kind: 'fail', status: 529 }, { kind: 'fail', status: 529 });
    await assert.rejects(model.generate(request(), new AbortController().signal), (error: unknown) => {
      assert.ok(error instanceof FlambeauError && error.code === 'upstream_failed');
      assert.match(error.message, /HTTP 529: Overloaded/);
      assert.equal(error.details.upstreamStatus, 529);
      return true;
    });
    await assert.rejects(
      collect(model.stream(request(), new AbortController().signal)),
      (error: unknown) => error instanceof FlambeauError && /HTTP 529/.test(error.message),
    );
  });

  it('rejects an unusable request before any upstream call', async () => {
    const bad = request({
      messages: [
        { role: 'user', content: 'Hi' },
        { role: 'assistant', content: null, toolCalls: [{ id: 't', name: 'f', arguments: 'nope' }] },
      ],
    });
    await assert.rejects(
      model.generate(bad, new AbortController().signal),
      (error: unknown) => error instanceof FlambeauError && error.code === 'invalid_request',
    );
    await assert.rejects(
      collect(model.stream(bad, new AbortController().signal)),
      (error: unknown) => error instanceof FlambeauError && error.code === 'invalid_request',
    );
    assert.equal(cloud.requests.length, 0);
  });

  it('sends no x-api-key without a key, honours anthropicVersion and a base URL ending in /v1', async () => {
    const other = createAnthropicProvider({ id: 'lan-claude', baseUrl: `${cloud.anthropicBaseUrl}/v1/`, locality: 'lan', anthropicVersion: '2024-01-01' });
    try {
      cloud.script({ kind: 'raw', body: await fixture('text.json') });
      const result = await other.chatModel({ name: 'c', model: 'claude-haiku' }).generate(request(), new AbortController().signal);
      assert.equal(result.text, 'Hi! My name is Claude.');
      const seen = cloud.requests[0];
      assert.equal(seen?.path, '/v1/messages');
      assert.equal(seen?.headers['x-api-key'], undefined);
      assert.equal(seen?.headers['anthropic-version'], '2024-01-01');
      assert.equal((seen?.body as Record<string, unknown>).max_tokens, 4096);
    } finally {
      await other.close();
    }
  });
});
