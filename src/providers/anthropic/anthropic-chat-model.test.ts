import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, beforeEach, describe, it } from 'node:test';
import { Secret } from '../../config/secret.js';
import { FlambeauError } from '../../errors/index.js';
import type { ChatEvent, ChatModel, ChatRequest, Provider } from '../spec.js';
import { createAnthropicProvider } from './anthropic-provider.js';

const fixture = (name: string): Promise<Buffer> => readFile(new URL(`./__fixtures__/${name}`, import.meta.url));

interface Seen { method: string; url: string; headers: IncomingHttpHeaders; body: Record<string, unknown> }

/** What the server does with the next request. `hold` writes its bytes then keeps the response open. */
type Reply =
  | { status: number; contentType: string; body: Buffer }
  | { hold: Buffer };

/** A real HTTP server on 127.0.0.1:0 that answers scripted bytes and records requests and closes. */
class UpstreamStub {
  readonly seen: Seen[] = [];
  readonly replies: Reply[] = [];
  /** Resolves when a held response's connection is closed by the client. */
  heldClosed: Promise<void> = Promise.resolve();
  readonly #server: Server;

  constructor() {
    this.#server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        this.seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown> });
        this.#answer(res);
      });
    });
  }

  #answer(res: ServerResponse): void {
    const reply = this.replies.shift();
    if (reply === undefined) {
      res.writeHead(500).end('no scripted reply');
      return;
    }
    if ('hold' in reply) {
      this.heldClosed = new Promise((resolve) => res.on('close', () => resolve()));
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(reply.hold);
      return;
    }
    res.writeHead(reply.status, { 'content-type': reply.contentType, 'content-length': reply.body.length }).end(reply.body);
  }

  async listen(): Promise<string> {
    await new Promise<void>((resolve) => this.#server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise((resolve) => this.#server.close(resolve));
  }
}

const request = (extra: Partial<ChatRequest> = {}): ChatRequest => ({ model: 'ignored', messages: [{ role: 'user', content: 'Hi' }], ...extra });

async function collect(events: AsyncIterable<ChatEvent>): Promise<ChatEvent[]> {
  const out: ChatEvent[] = [];
  for await (const event of events) out.push(event);
  return out;
}

function isUpstreamFailed(pattern: RegExp) {
  return (error: unknown): boolean => {
    assert.ok(error instanceof FlambeauError, `expected a FlambeauError, got ${String(error)}`);
    assert.equal(error.code, 'upstream_failed');
    assert.match(error.message, pattern);
    return true;
  };
}

describe('anthropic provider over HTTP', () => {
  const stub = new UpstreamStub();
  let provider: Provider;
  let model: ChatModel;
  let baseUrl: string;

  before(async () => {
    baseUrl = await stub.listen();
    provider = createAnthropicProvider({ id: 'claude', baseUrl, apiKey: new Secret('sk-ant-test'), locality: 'cloud', headers: { 'anthropic-beta': 'test-beta' } });
    model = provider.chatModel({ name: 'sonnet', model: 'claude-sonnet-4-5', maxTokens: 256 });
  });
  beforeEach(() => {
    stub.seen.length = 0;
    stub.replies.length = 0;
  });
  after(async () => {
    await provider.close();
    await stub.close();
  });

  it('is a cloud chat provider without embeddings', () => {
    assert.equal(provider.type, 'anthropic');
    assert.equal(provider.embeddingModel, undefined);
    assert.equal(model.provider, 'claude');
    assert.equal(model.model, 'claude-sonnet-4-5');
    assert.equal(model.locality, 'cloud');
  });

  it('generates: sends the key, version and JSON headers to /v1/messages and reads the message', async () => {
    stub.replies.push({ status: 200, contentType: 'application/json', body: await fixture('text.json') });
    const result = await model.generate(request({ seed: 1 }), new AbortController().signal);
    assert.deepEqual(result, {
      text: 'Hi! My name is Claude.',
      toolCalls: [],
      finish: { reason: 'stop', raw: 'end_turn' },
      usage: { inputTokens: 2110, outputTokens: 503, estimated: false },
      warnings: [{ kind: 'unsupported', setting: 'seed', detail: 'Anthropic has no seed.' }],
    });
    const [seen] = stub.seen;
    assert.ok(seen !== undefined);
    assert.equal(seen.method, 'POST');
    assert.equal(seen.url, '/v1/messages');
    assert.equal(seen.headers['x-api-key'], 'sk-ant-test');
    assert.equal(seen.headers['anthropic-version'], '2023-06-01');
    assert.equal(seen.headers['anthropic-beta'], 'test-beta');
    assert.equal(seen.headers['content-type'], 'application/json');
    assert.equal(seen.headers.authorization, undefined);
    assert.deepEqual(seen.body, { model: 'claude-sonnet-4-5', max_tokens: 256, messages: [{ role: 'user', content: 'Hi' }] });
  });

  it('generates tool calls with the input re-serialised as arguments', async () => {
    stub.replies.push({ status: 200, contentType: 'application/json', body: await fixture('tool-call.json') });
    const result = await model.generate(request({ tools: [{ name: 'get_weather' }] }), new AbortController().signal);
    assert.equal(result.text, "I'll check the current weather in San Francisco for you.");
    assert.deepEqual(result.toolCalls, [{ id: 'toolu_01A09q90qw90lq917835lq9', name: 'get_weather', arguments: '{"location":"San Francisco, CA","unit":"celsius"}' }]);
    assert.deepEqual(result.finish, { reason: 'tool-calls', raw: 'tool_use' });
  });

  it('generates a JSON answer from the forced tool when responseFormat asks for JSON', async () => {
    const message = {
      id: 'msg_1', type: 'message', role: 'assistant', model: 'claude-sonnet-4-5', stop_reason: 'tool_use', stop_sequence: null,
      content: [{ type: 'tool_use', id: 'toolu_1', name: 'city_answer', input: { city: 'Paris' } }],
      usage: { input_tokens: 20, output_tokens: 9 },
    };
    stub.replies.push({ status: 200, contentType: 'application/json', body: Buffer.from(JSON.stringify(message)) });
    const result = await model.generate(
      request({ responseFormat: { type: 'json_schema', name: 'city_answer', schema: { type: 'object', properties: { city: { type: 'string' } } } } }),
      new AbortController().signal,
    );
    assert.equal(result.text, '{"city":"Paris"}');
    assert.deepEqual(result.toolCalls, []);
    assert.deepEqual(result.finish, { reason: 'stop', raw: 'tool_use' });
    assert.deepEqual(stub.seen[0]?.body.tool_choice, { type: 'tool', name: 'city_answer', disable_parallel_tool_use: true });
  });

  it('streams: sends stream: true and translates the events', async () => {
    stub.replies.push({ status: 200, contentType: 'text/event-stream', body: await fixture('tool-call.sse') });
    const events = await collect(model.stream(request({ maxTokens: 50 }), new AbortController().signal));
    assert.equal(events[0]?.type, 'stream-start');
    assert.deepEqual(events.filter((e) => e.type === 'tool-call-delta' && e.id !== undefined).map((e) => e.type === 'tool-call-delta' && [e.index, e.name]), [[0, 'get_weather'], [1, 'get_time']]);
    assert.deepEqual(events.at(-1), { type: 'stream-end', finish: { reason: 'tool-calls', raw: 'tool_use' }, usage: { inputTokens: 572, outputTokens: 89, estimated: false } });
    const seen = stub.seen[0];
    assert.equal(seen?.body.stream, true);
    assert.equal(seen?.body.max_tokens, 50);
    assert.equal(seen?.headers.accept, 'text/event-stream');
    assert.equal(seen?.headers['x-api-key'], 'sk-ant-test');
  });

  it('maps an error status to upstream_failed with the upstream status and message', async () => {
    const body = Buffer.from(JSON.stringify({ type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } }));
    stub.replies.push({ status: 529, contentType: 'application/json', body }, { status: 529, contentType: 'application/json', body });
    await assert.rejects(model.generate(request(), new AbortController().signal), (error: unknown) => {
      isUpstreamFailed(/HTTP 529: Overloaded/)(error);
      assert.equal((error as FlambeauError).details.upstreamStatus, 529);
      return true;
    });
    await assert.rejects(collect(model.stream(request(), new AbortController().signal)), isUpstreamFailed(/HTTP 529/));
  });

  it('throws upstream_failed on an error event mid-stream, after the events before it', async () => {
    stub.replies.push({ status: 200, contentType: 'text/event-stream', body: await fixture('error-mid-stream.sse') });
    const events: ChatEvent[] = [];
    await assert.rejects(
      (async () => {
        for await (const event of model.stream(request(), new AbortController().signal)) events.push(event);
      })(),
      isUpstreamFailed(/overloaded_error/),
    );
    assert.deepEqual(events, [{ type: 'stream-start', warnings: [] }, { type: 'text-delta', text: 'Partial' }]);
  });

  it('rejects an unusable request before any upstream call', async () => {
    const bad = request({ messages: [{ role: 'user', content: 'Hi' }, { role: 'assistant', content: null, toolCalls: [{ id: 't', name: 'f', arguments: 'nope' }] }] });
    await assert.rejects(model.generate(bad, new AbortController().signal), (error: unknown) => error instanceof FlambeauError && error.code === 'invalid_request');
    await assert.rejects(collect(model.stream(bad, new AbortController().signal)), (error: unknown) => error instanceof FlambeauError && error.code === 'invalid_request');
    assert.equal(stub.seen.length, 0);
  });

  it('aborting the signal mid-stream closes the upstream connection', async () => {
    const bytes = (await fixture('text.sse')).toString('utf8');
    stub.replies.push({ hold: Buffer.from(bytes.slice(0, bytes.indexOf('event: content_block_delta'))) });
    const controller = new AbortController();
    const events: ChatEvent[] = [];
    await assert.rejects(
      (async () => {
        for await (const event of model.stream(request(), controller.signal)) {
          events.push(event);
          controller.abort();
        }
      })(),
      (error: unknown) => (error as Error).name === 'AbortError',
    );
    assert.deepEqual(events, [{ type: 'stream-start', warnings: [] }]);
    await stub.heldClosed;
  });

  it('a consumer that stops reading early closes the upstream connection', async () => {
    const bytes = (await fixture('text.sse')).toString('utf8');
    stub.replies.push({ hold: Buffer.from(bytes.slice(0, bytes.indexOf('event: content_block_stop'))) });
    for await (const event of model.stream(request(), new AbortController().signal)) {
      if (event.type === 'text-delta') break;
    }
    await stub.heldClosed;
  });

  it('sends no x-api-key without a key, honours anthropicVersion and a base URL ending in /v1', async () => {
    const other = createAnthropicProvider({ id: 'lan-claude', baseUrl: `${baseUrl}/v1/`, locality: 'lan', anthropicVersion: '2024-01-01' });
    try {
      stub.replies.push({ status: 200, contentType: 'application/json', body: await fixture('text.json') });
      const result = await other.chatModel({ name: 'c', model: 'claude-haiku' }).generate(request(), new AbortController().signal);
      assert.equal(result.text, 'Hi! My name is Claude.');
      const seen = stub.seen[0];
      assert.equal(seen?.url, '/v1/messages');
      assert.equal(seen?.headers['x-api-key'], undefined);
      assert.equal(seen?.headers['anthropic-version'], '2024-01-01');
      assert.equal(seen?.body.max_tokens, 4096);
    } finally {
      await other.close();
    }
  });

  it('reports a body that is not a message as upstream_failed', async () => {
    stub.replies.push({ status: 200, contentType: 'application/json', body: Buffer.from('{"hello":') });
    await assert.rejects(model.generate(request(), new AbortController().signal), isUpstreamFailed(/could not be read/));
  });
});
