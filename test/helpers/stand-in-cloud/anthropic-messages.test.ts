// The stand-in cloud's Anthropic wire: the Messages API object, its SSE event sequence (parsed
// here byte by byte), its error shape and required headers.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { request } from 'undici';
import { DEFAULT_TEXT, startStandInCloud, type StandInCloud } from '../stand-in-cloud.js';
import { parseSseFrames } from './sse-frames.js';

const headers = { 'content-type': 'application/json', 'x-api-key': 'sk-ant-test', 'anthropic-version': '2023-06-01' };
const base = { model: 'claude-sonnet-4-20250514', max_tokens: 64, messages: [{ role: 'user', content: 'Say hello please' }] };

interface Event {
  type: string;
  [key: string]: unknown;
}

/** Every frame must be `event: X\ndata: {"type":"X",…}\n\n`. */
function parseEvents(text: string): Event[] {
  assert.match(text, /^(event: [a-z_]+\ndata: \{[^\n]*\}\n\n)+$/);
  return parseSseFrames(text).map((frame) => {
    const data = JSON.parse(frame.data) as Event;
    assert.equal(data.type, frame.event);
    return data;
  });
}

describe('stand-in cloud: Anthropic protocol', () => {
  let cloud: StandInCloud;
  const messagesUrl = () => `${cloud.anthropicBaseUrl}/v1/messages`;
  const post = (body: unknown, extra: Record<string, string> = headers) =>
    request(messagesUrl(), { method: 'POST', headers: extra, body: JSON.stringify(body) });

  before(async () => {
    cloud = await startStandInCloud();
  });
  after(() => cloud.close());
  beforeEach(() => cloud.reset());

  it('answers a message object with content blocks, stop_reason and usage', async () => {
    const res = await post(base);
    assert.equal(res.statusCode, 200);
    assert.match(String(res.headers['request-id']), /^req_/);
    const message = (await res.body.json()) as Record<string, unknown>;
    assert.match(String(message.id), /^msg_01/);
    assert.deepEqual(
      { ...message, id: 'x' },
      {
        id: 'x',
        type: 'message',
        role: 'assistant',
        model: base.model,
        content: [{ type: 'text', text: DEFAULT_TEXT }],
        stop_reason: 'end_turn',
        stop_sequence: null,
        usage: { input_tokens: 3, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: 5 },
      },
    );
    assert.deepEqual([cloud.requests[0]?.protocol, cloud.requests[0]?.completed], ['anthropic', true]);
  });

  it('streams the real event sequence for text then a tool call', async () => {
    cloud.script({ kind: 'reply', text: 'Checking now.', toolCalls: [{ name: 'get_weather', arguments: '{"city":"Paris"}', id: 'toolu_fixed' }] });
    const tools = [{ name: 'get_weather', input_schema: { type: 'object' } }];
    const res = await post({ ...base, stream: true, tools, tool_choice: { type: 'auto' } });
    assert.equal(res.headers['content-type'], 'text/event-stream; charset=utf-8');
    const events = parseEvents(await res.body.text());
    assert.deepEqual(
      events.map((e) => e.type),
      [
        'message_start',
        'content_block_start',
        'ping',
        'content_block_delta',
        'content_block_delta',
        'content_block_stop',
        'content_block_start',
        'content_block_delta',
        'content_block_delta',
        'content_block_delta',
        'content_block_stop',
        'message_delta',
        'message_stop',
      ],
    );
    const start = events[0]?.message as Record<string, unknown>;
    assert.deepEqual([start.content, start.stop_reason], [[], null]);
    assert.deepEqual(start.usage, { input_tokens: 3, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: 1 });
    assert.deepEqual(events[1], { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } });
    const deltas = events.filter((e) => e.type === 'content_block_delta') as unknown as { index: number; delta: Record<string, string> }[];
    assert.equal(
      deltas
        .filter((d) => d.index === 0)
        .map((d) => d.delta.type === 'text_delta' && d.delta.text)
        .join(''),
      'Checking now.',
    );
    assert.deepEqual(events[6], {
      type: 'content_block_start',
      index: 1,
      content_block: { type: 'tool_use', id: 'toolu_fixed', name: 'get_weather', input: {} },
    });
    const json = deltas.filter((d) => d.index === 1);
    assert.ok(json.every((d) => d.delta.type === 'input_json_delta'));
    assert.equal(json[0]?.delta.partial_json, '');
    assert.equal(json.map((d) => d.delta.partial_json).join(''), '{"city":"Paris"}');
    assert.deepEqual(events.at(-2), { type: 'message_delta', delta: { stop_reason: 'tool_use', stop_sequence: null }, usage: { output_tokens: 4 } });
    assert.deepEqual((cloud.requests[0]?.body as { tools: unknown }).tools, tools);
  });

  it('answers tool calls alone with tool_use blocks only, streamed or not', async () => {
    const call = { name: 'lookup', arguments: '{"q":"x"}', id: 'toolu_1' };
    cloud.script({ kind: 'reply', toolCalls: [call] }, { kind: 'reply', toolCalls: [call] });
    const events = parseEvents(await (await post({ ...base, stream: true })).body.text());
    assert.deepEqual(
      events.slice(1, 3).map((e) => e.type),
      ['content_block_start', 'ping'],
    );
    assert.equal((events[1]?.content_block as { type: string }).type, 'tool_use');
    const message = (await (await post(base)).body.json()) as { content: unknown; stop_reason: string };
    assert.deepEqual(message.content, [{ type: 'tool_use', id: 'toolu_1', name: 'lookup', input: { q: 'x' } }]);
    assert.equal(message.stop_reason, 'tool_use');
  });

  it('omits usage when the reply says so, and maps finish reasons', async () => {
    cloud.script({ kind: 'reply', text: 'cut', usage: false, finishReason: 'length' }, { kind: 'reply', usage: false });
    const events = parseEvents(await (await post({ ...base, stream: true })).body.text());
    assert.equal('usage' in (events[0]?.message as object), false);
    assert.deepEqual(events.at(-2), { type: 'message_delta', delta: { stop_reason: 'max_tokens', stop_sequence: null } });
    assert.equal('usage' in ((await (await post(base)).body.json()) as object), false);
  });

  it('echoes the system field, text blocks and tool_result contents', async () => {
    cloud.script({ kind: 'echo' });
    const res = await post({
      ...base,
      system: [{ type: 'text', text: 'Be brief.' }],
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'My name is Ada' }] },
        { role: 'assistant', content: [{ type: 'tool_use', id: 't1', name: 'f', input: {} }] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 't1', content: [{ type: 'text', text: 'result text' }] }] },
        { role: 'user', content: 'last' },
      ],
    });
    const message = (await res.body.json()) as { content: { text: string }[] };
    assert.equal(message.content[0]?.text, 'Be brief.\nMy name is Ada\nresult text\nlast');
  });

  it('fails with the Anthropic error shape, request id and retry-after', async () => {
    cloud.script({ kind: 'fail', status: 529 }, { kind: 'fail', status: 429, retryAfterSeconds: 3, message: 'slow down' });
    const overloaded = await post({ ...base, stream: true });
    assert.equal(overloaded.statusCode, 529);
    const body = (await overloaded.body.json()) as { request_id: string };
    assert.deepEqual({ ...body, request_id: 'x' }, { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' }, request_id: 'x' });
    assert.equal(overloaded.headers['request-id'], body.request_id);
    const limited = await post(base);
    assert.deepEqual([limited.statusCode, limited.headers['retry-after']], [429, '3']);
    assert.deepEqual(((await limited.body.json()) as { error: unknown }).error, { type: 'rate_limit_error', message: 'slow down' });
  });

  it('ends a stream with an error event, or breaks it, after N events', async () => {
    cloud.script({ kind: 'error-mid-stream', afterChunks: 3 }, { kind: 'break-mid-stream', afterChunks: 2 });
    const events = parseEvents(await (await post({ ...base, stream: true })).body.text());
    assert.deepEqual(
      events.map((e) => e.type),
      ['message_start', 'content_block_start', 'ping', 'error'],
    );
    assert.deepEqual(events.at(-1), { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } });
    const broken = await post({ ...base, stream: true });
    let text = '';
    await assert.rejects(async () => {
      for await (const chunk of broken.body) text += String(chunk);
    });
    assert.deepEqual(
      parseEvents(text).map((e) => e.type),
      ['message_start', 'content_block_start'],
    );
  });

  it('requires anthropic-version and a valid body, as the real API does', async () => {
    const noVersion = await post(base, { 'content-type': 'application/json' });
    assert.equal(noVersion.statusCode, 400);
    assert.deepEqual(((await noVersion.body.json()) as { error: unknown }).error, {
      type: 'invalid_request_error',
      message: 'anthropic-version: header is required',
    });
    const noMax = await post({ model: base.model, messages: base.messages });
    assert.deepEqual([noMax.statusCode, ((await noMax.body.json()) as { error: { message: string } }).error.message], [400, 'max_tokens: Field required']);
    const systemRole = await post({ ...base, messages: [{ role: 'system', content: 'x' }, ...base.messages] });
    assert.equal(systemRole.statusCode, 400);
    assert.match(((await systemRole.body.json()) as { error: { message: string } }).error.message, /Unexpected role "system"/);
  });

  it('lists models in the Anthropic shape when anthropic-version is sent', async () => {
    const res = await request(`${cloud.anthropicBaseUrl}/v1/models`, { headers });
    const list = (await res.body.json()) as { data: { type: string; id: string }[]; has_more: boolean; first_id: string };
    assert.equal(list.has_more, false);
    assert.ok(list.data.length > 0 && list.data.every((m) => m.type === 'model' && m.id.startsWith('claude-')));
    assert.equal(list.first_id, list.data[0]?.id);
  });
});

describe('stand-in cloud: Anthropic api key', () => {
  it('answers a missing or wrong x-api-key with authentication_error', async () => {
    await using cloud = await startStandInCloud({ apiKey: 'sk-ant-right' });
    const call = (key?: string) =>
      request(`${cloud.anthropicBaseUrl}/v1/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01', ...(key ? { 'x-api-key': key } : {}) },
        body: JSON.stringify(base),
      });
    const results = [];
    for (const key of [undefined, 'sk-ant-wrong', 'sk-ant-right']) {
      const res = await call(key);
      const body = (await res.body.json()) as { error?: { type: string; message: string }; type: string };
      results.push([res.statusCode, body.error?.message ?? body.type]);
    }
    assert.deepEqual(results, [
      [401, 'x-api-key header is required'],
      [401, 'invalid x-api-key'],
      [200, 'message'],
    ]);
  });
});
