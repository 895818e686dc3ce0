// Failure behaviours, auth, request checks and lifecycle of the stand-in cloud, seen from real
// clients: undici for the bytes, the official `openai` client for what SDK users get.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import OpenAI from 'openai';
import { request } from 'undici';
import { DEFAULT_TEXT, startStandInCloud, type StandInCloud } from '../stand-in-cloud.js';
import { parseSseFrames } from './sse-frames.js';

const messages = [{ role: 'user' as const, content: 'Say hello please' }];

async function post(url: string, body: unknown, headers: Record<string, string> = {}, signal?: AbortSignal) {
  return request(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body), signal });
}

/** Reads a body until it ends or breaks; returns what arrived and whether it ended cleanly. */
async function drain(body: AsyncIterable<Buffer>): Promise<{ text: string; ended: boolean }> {
  let text = '';
  try {
    for await (const chunk of body) text += chunk.toString('utf8');
    return { text, ended: true };
  } catch {
    return { text, ended: false };
  }
}

describe('stand-in cloud: behaviours', () => {
  let cloud: StandInCloud;
  let client: OpenAI;
  const chatUrl = () => `${cloud.openaiBaseUrl}/chat/completions`;

  before(async () => {
    cloud = await startStandInCloud();
    client = new OpenAI({ baseURL: cloud.openaiBaseUrl, apiKey: 'sk-test', maxRetries: 0 });
  });
  after(() => cloud.close());
  beforeEach(() => cloud.reset());

  it('fails with the real error envelope and retry-after, which the client turns into typed errors', async () => {
    cloud.script({ kind: 'fail', status: 429, retryAfterSeconds: 7 }, { kind: 'fail', status: 500, message: 'boom' });
    const limited = await client.chat.completions.create({ model: 'm', messages }).catch((e: unknown) => e);
    assert.ok(limited instanceof OpenAI.RateLimitError);
    assert.equal(limited.code, 'rate_limit_exceeded');
    assert.equal(limited.headers?.get('retry-after'), '7');
    const failed = await post(chatUrl(), { model: 'm', messages, stream: true });
    assert.equal(failed.statusCode, 500);
    assert.deepEqual(await failed.body.json(), { error: { message: 'boom', type: 'server_error', param: null, code: null } });
  });

  it('lets the official client retry after a failure and a reset, behaviours taken in FIFO order', async () => {
    const retrying = new OpenAI({ baseURL: cloud.openaiBaseUrl, apiKey: 'sk-test', maxRetries: 2 });
    cloud.script({ kind: 'reset' }, { kind: 'fail', status: 503, retryAfterSeconds: 0 });
    const completion = await retrying.chat.completions.create({ model: 'm', messages });
    assert.equal(completion.choices[0]?.message.content, DEFAULT_TEXT);
    assert.deepEqual(
      cloud.requests.map((r) => r.completed),
      [false, true, true],
    );
  });

  it('resets the connection before any byte, having read the body', async () => {
    cloud.script({ kind: 'reset' });
    await assert.rejects(post(chatUrl(), { model: 'm', messages }));
    await cloud.waitFor((r) => r.length === 1 && r[0]?.body !== undefined);
    assert.deepEqual([cloud.requests[0]?.completed, cloud.requests[0]?.aborted], [false, false]);
  });

  it('hangs until the client gives up, then records the abort', async () => {
    cloud.script({ kind: 'hang' });
    const controller = new AbortController();
    const pending = post(chatUrl(), { model: 'm', messages, stream: true }, {}, controller.signal);
    await cloud.waitFor((r) => r[0]?.body !== undefined);
    controller.abort();
    await assert.rejects(pending);
    await cloud.waitFor((r) => r[0]?.aborted === true);
    assert.equal(cloud.requests[0]?.completed, false);
  });

  it('records a client that stops reading mid-stream (official client, `break`) as aborted', async () => {
    cloud.script({ kind: 'slow', delayMs: 20, then: { kind: 'reply', text: 'word '.repeat(200) } });
    const stream = await client.chat.completions.create({ model: 'm', messages, stream: true });
    for await (const chunk of stream) {
      assert.equal(chunk.choices[0]?.delta.role, 'assistant');
      break;
    }
    await cloud.waitFor((r) => r[0]?.aborted === true);
    assert.equal(cloud.requests[0]?.completed, false);
  });

  it('slow: delays a JSON reply before its headers, and a stream before each frame (headers first)', async () => {
    cloud.script({ kind: 'slow', delayMs: 60_000 }, { kind: 'slow', delayMs: 60_000 });
    const controller = new AbortController();
    const pending = post(chatUrl(), { model: 'm', messages }, {}, controller.signal);
    await cloud.waitFor((r) => r[0]?.body !== undefined);
    controller.abort();
    await assert.rejects(pending);
    await cloud.waitFor((r) => r[0]?.aborted === true);
    assert.equal(cloud.requests[0]?.completed, false);

    const streamController = new AbortController();
    const streamed = await post(chatUrl(), { model: 'm', messages, stream: true }, {}, streamController.signal);
    assert.equal(streamed.statusCode, 200);
    streamController.abort();
    await cloud.waitFor((r) => r[1]?.aborted === true);

    cloud.script({ kind: 'slow', delayMs: 1 }, { kind: 'slow', delayMs: 1, then: { kind: 'fail', status: 503 } });
    const frames = parseSseFrames(await (await post(chatUrl(), { model: 'm', messages, stream: true })).body.text());
    assert.equal(frames.at(-1)?.data, '[DONE]');
    assert.equal((await post(chatUrl(), { model: 'm', messages })).statusCode, 503);
  });

  it('breaks mid-stream after N frames; the official client sees the stream fail', async () => {
    cloud.script({ kind: 'break-mid-stream', afterChunks: 3 }, { kind: 'break-mid-stream', afterChunks: 2 });
    const res = await post(chatUrl(), { model: 'm', messages, stream: true });
    assert.equal(res.statusCode, 200);
    const { text, ended } = await drain(res.body);
    assert.equal(ended, false);
    assert.deepEqual(
      parseSseFrames(text).map((f) => JSON.parse(f.data).object),
      Array(3).fill('chat.completion.chunk'),
    );
    await assert.rejects(async () => {
      for await (const chunk of await client.chat.completions.create({ model: 'm', messages, stream: true })) void chunk;
    });
    assert.deepEqual(
      cloud.requests.map((r) => [r.completed, r.aborted]),
      [
        [false, false],
        [false, false],
      ],
    );
  });

  it('breaks a JSON reply after its headers and half its body', async () => {
    cloud.script({ kind: 'break-mid-stream', afterChunks: 0 });
    const res = await post(chatUrl(), { model: 'm', messages });
    assert.equal(res.statusCode, 200);
    const { text, ended } = await drain(res.body);
    assert.equal(ended, false);
    assert.ok(text.length > 0 && text.length < Number(res.headers['content-length']));
  });

  it('errors mid-stream with one in-stream error frame, which the official client throws', async () => {
    cloud.script({ kind: 'error-mid-stream', afterChunks: 2 }, { kind: 'error-mid-stream', afterChunks: 2, message: 'upstream fell over' });
    const res = await post(chatUrl(), { model: 'm', messages, stream: true });
    const frames = parseSseFrames(await res.body.text());
    assert.equal(frames.length, 3);
    assert.deepEqual(JSON.parse(frames[2]?.data ?? ''), {
      error: { message: 'The server had an error while processing your request. Sorry about that!', type: 'server_error', param: null, code: null },
    });
    const received: string[] = [];
    const failure = await (async () => {
      for await (const chunk of await client.chat.completions.create({ model: 'm', messages, stream: true })) received.push(chunk.object);
    })().catch((e: unknown) => e);
    assert.ok(failure instanceof OpenAI.APIError);
    assert.match(failure.message, /upstream fell over/);
    assert.deepEqual(received, ['chat.completion.chunk', 'chat.completion.chunk']);
  });

  it('raw: sends the bytes verbatim with the default content type of the route, or holds them open', async () => {
    cloud.script(
      { kind: 'raw', body: '{"choices": 7' },
      { kind: 'raw', body: 'data: {oops\n\n' },
      { kind: 'raw', status: 418, contentType: 'text/plain', body: 'teapot' },
    );
    const json = await post(chatUrl(), { model: 'm', messages });
    assert.deepEqual([json.statusCode, json.headers['content-type'], await json.body.text()], [200, 'application/json', '{"choices": 7']);
    const sse = await post(chatUrl(), { model: 'm', messages, stream: true });
    assert.deepEqual([sse.statusCode, sse.headers['content-type'], await sse.body.text()], [200, 'text/event-stream; charset=utf-8', 'data: {oops\n\n']);
    const odd = await post(chatUrl(), { model: 'm', messages });
    assert.deepEqual([odd.statusCode, odd.headers['content-type'], await odd.body.text()], [418, 'text/plain', 'teapot']);

    cloud.script({ kind: 'raw', body: 'data: {"choices":[]}\n\n', hold: true });
    const controller = new AbortController();
    const held = await post(chatUrl(), { model: 'm', messages, stream: true }, {}, controller.signal);
    for await (const chunk of held.body) {
      assert.equal(chunk.toString('utf8'), 'data: {"choices":[]}\n\n');
      break;
    }
    controller.abort();
    await cloud.waitFor((r) => r[3]?.aborted === true);
    assert.equal(cloud.requests[3]?.completed, false);
  });

  it('rejects bodies the real API rejects, without treating them as replies', async () => {
    const missing = await post(chatUrl(), { model: 'm' });
    assert.equal(missing.statusCode, 400);
    assert.deepEqual(await missing.body.json(), {
      error: { message: "Missing required parameter: 'messages'.", type: 'invalid_request_error', param: 'messages', code: 'missing_required_parameter' },
    });
    const broken = await request(chatUrl(), { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{not json' });
    assert.equal(broken.statusCode, 400);
    assert.equal(cloud.requests[1]?.body, '{not json');
    await broken.body.dump();
    const unknown = await post(`${cloud.openaiBaseUrl}/completions`, { model: 'm', prompt: 'x' });
    assert.equal(unknown.statusCode, 404);
    assert.equal(((await unknown.body.json()) as { error: { message: string } }).error.message, 'Invalid URL (POST /v1/completions)');
  });

  it('uses setDefault when the queue is empty, and reset() restores the initial default', async () => {
    cloud.setDefault({ kind: 'reply', text: 'default two' });
    cloud.script({ kind: 'reply', text: 'scripted' });
    const texts: (string | null | undefined)[] = [];
    for (let i = 0; i < 3; i++) texts.push((await client.chat.completions.create({ model: 'm', messages })).choices[0]?.message.content);
    assert.deepEqual(texts, ['scripted', 'default two', 'default two']);
    cloud.script({ kind: 'fail', status: 500 });
    cloud.reset();
    assert.equal(cloud.requests.length, 0);
    assert.equal((await client.chat.completions.create({ model: 'm', messages })).choices[0]?.message.content, DEFAULT_TEXT);
  });
});

describe('stand-in cloud: api key and lifecycle', () => {
  it('answers a missing or wrong key with the real 401, without consuming the script', async () => {
    await using cloud = await startStandInCloud({ apiKey: 'sk-right' });
    cloud.script({ kind: 'reply', text: 'kept for the authorized call' });
    const wrong = new OpenAI({ baseURL: cloud.openaiBaseUrl, apiKey: 'sk-wrong', maxRetries: 0 });
    const denied = await wrong.chat.completions.create({ model: 'm', messages }).catch((e: unknown) => e);
    assert.ok(denied instanceof OpenAI.AuthenticationError);
    assert.equal(denied.code, 'invalid_api_key');
    assert.doesNotMatch(denied.message, /sk-wrong|sk-right/);
    const anonymous = await post(`${cloud.openaiBaseUrl}/chat/completions`, { model: 'm', messages });
    assert.equal(anonymous.statusCode, 401);
    assert.match(((await anonymous.body.json()) as { error: { message: string } }).error.message, /didn't provide an API key/);
    const right = new OpenAI({ baseURL: cloud.openaiBaseUrl, apiKey: 'sk-right', maxRetries: 0 });
    const completion = await right.chat.completions.create({ model: 'm', messages });
    assert.equal(completion.choices[0]?.message.content, 'kept for the authorized call');
    assert.equal(cloud.requests.length, 3);
  });

  it('closes with requests still hanging, and disposes with `await using`', async () => {
    let url = '';
    {
      await using cloud = await startStandInCloud();
      url = cloud.openaiBaseUrl;
      cloud.setDefault({ kind: 'hang' });
      const pending = post(`${cloud.openaiBaseUrl}/chat/completions`, { model: 'm', messages });
      await cloud.waitFor((r) => r[0]?.body !== undefined);
      await cloud.close();
      await assert.rejects(pending);
      assert.equal(cloud.requests[0]?.aborted, false);
      await assert.rejects(cloud.waitFor(() => false));
    }
    await assert.rejects(post(`${url}/chat/completions`, { model: 'm', messages }));
  });
});
