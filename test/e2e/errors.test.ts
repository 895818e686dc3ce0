import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import OpenAI from 'openai';
import { Readable } from 'node:stream';
import { request } from 'undici';
import { startStandInCloud, type StandInCloud } from '../helpers/stand-in-cloud.js';
import { startTestGateway, type TestGateway } from '../helpers/start-gateway.js';

interface ErrorEnvelope {
  error: { message: string; type: string; param: string | null; code: string };
}

describe('errors: the OpenAI envelope with a code from the closed table', () => {
  let cloud: StandInCloud;
  let gw: TestGateway;
  let client: OpenAI;

  before(async () => {
    cloud = await startStandInCloud();
    gw = await startTestGateway({
      server: { body_limit_bytes: 2048 },
      // One upstream call per request, breaker out of the way: both are tested in routing.test.ts.
      routing: { retries: 0, breaker_failures: 1000 },
      providers: [{ id: 'cloud', type: 'openai-compatible', base_url: cloud.openaiBaseUrl, locality: 'cloud', timeouts: { first_byte_ms: 800, idle_ms: 800 } }],
      models: [{ name: 'cloud-small', provider: 'cloud', model: 'upstream-small' }],
    });
    client = new OpenAI({ baseURL: gw.baseURL, apiKey: gw.key, maxRetries: 0 });
  });
  after(async () => {
    await gw.close();
    await cloud.close();
  });
  beforeEach(() => cloud.reset());

  async function post(
    path: string,
    body: string,
    headers: Record<string, string> = {},
  ): Promise<{ status: number; body: ErrorEnvelope; headers: Record<string, unknown> }> {
    const res = await request(`${gw.url}${path}`, {
      method: 'POST',
      body,
      headers: { authorization: `Bearer ${gw.key}`, 'content-type': 'application/json', ...headers },
    });
    return { status: res.statusCode, body: (await res.body.json()) as ErrorEnvelope, headers: res.headers };
  }

  function assertEnvelope(body: ErrorEnvelope, code: string): void {
    assert.equal(body.error.code, code);
    assert.equal(typeof body.error.message, 'string');
    assert.ok(body.error.message.length > 0);
    assert.equal(typeof body.error.type, 'string');
    assert.ok('param' in body.error);
  }

  it('404 model_not_found for an unknown model, through the official client', async () => {
    await assert.rejects(client.chat.completions.create({ model: 'nope', messages: [{ role: 'user', content: 'hi' }] }), (error: unknown) => {
      assert.ok(error instanceof OpenAI.NotFoundError);
      assert.equal(error.code, 'model_not_found');
      assert.equal(error.param, 'model');
      return true;
    });
    assert.equal(cloud.requests.length, 0);
  });

  it('401 for a missing or a wrong key', async () => {
    const none = await request(`${gw.url}/v1/models`);
    assert.equal(none.statusCode, 401);
    assertEnvelope((await none.body.json()) as ErrorEnvelope, 'unauthenticated');
    await assert.rejects(new OpenAI({ baseURL: gw.baseURL, apiKey: 'wrong', maxRetries: 0 }).models.list(), (error: unknown) => {
      assert.ok(error instanceof OpenAI.AuthenticationError);
      assert.equal(error.code, 'unauthenticated');
      return true;
    });
  });

  it('400 invalid_request for malformed JSON', async () => {
    const res = await post('/v1/chat/completions', '{"model": "cloud-small", "messages": [');
    assert.equal(res.status, 400);
    assertEnvelope(res.body, 'invalid_request');
  });

  it('400 invalid_request naming the field', async () => {
    const cases: [unknown, string][] = [
      [{ messages: [{ role: 'user', content: 'hi' }] }, 'model'],
      [{ model: 'cloud-small', messages: [] }, 'messages'],
      [{ model: 'cloud-small', messages: [{ role: 'wizard', content: 'hi' }] }, 'messages[0].role'],
      [{ model: 'cloud-small', messages: [{ role: 'user', content: 'hi' }], temperature: 7 }, 'temperature'],
      [{ model: 'cloud-small', messages: [{ role: 'user', content: 42 }] }, 'messages[0].content'],
      [{ model: 'cloud-small', messages: [{ role: 'user', content: 'hi' }], n: 3 }, 'n'],
      [{ model: 'cloud-small', messages: [{ role: 'tool', tool_call_id: 'x', content: 'r' }] }, 'messages[0].tool_call_id'],
    ];
    for (const [body, param] of cases) {
      const res = await post('/v1/chat/completions', JSON.stringify(body));
      assert.equal(res.status, 400, JSON.stringify(body));
      assertEnvelope(res.body, 'invalid_request');
      assert.equal(res.body.error.param, param);
      assert.ok(res.body.error.message.includes(param), res.body.error.message);
    }
    const embed = await post('/v1/embeddings', JSON.stringify({ model: 'cloud-small', input: [1, 2, 3] }));
    assert.equal(embed.status, 400);
    assert.equal(embed.body.error.param, 'input');
    const array = await post('/v1/chat/completions', '[1,2]');
    assert.equal(array.status, 400);
    assert.equal(cloud.requests.length, 0);
  });

  it('413 payload_too_large over the configured body limit', async () => {
    const big = JSON.stringify({ model: 'cloud-small', messages: [{ role: 'user', content: 'x'.repeat(4096) }] });
    const res = await post('/v1/chat/completions', big);
    assert.equal(res.status, 413);
    assertEnvelope(res.body, 'payload_too_large');
    // Also when the size is not declared up front (chunked upload).
    const chunked = await request(`${gw.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${gw.key}`, 'content-type': 'application/json' },
      body: Readable.from([big.slice(0, 1000), big.slice(1000)]),
    });
    assert.equal(chunked.statusCode, 413);
    assertEnvelope((await chunked.body.json()) as ErrorEnvelope, 'payload_too_large');
  });

  it('404 for an unknown route and 405 for a wrong method', async () => {
    const missing = await request(`${gw.url}/v1/nothing-here`, { headers: { authorization: `Bearer ${gw.key}` } });
    assert.equal(missing.statusCode, 404);
    assertEnvelope((await missing.body.json()) as ErrorEnvelope, 'not_found');
    const wrong = await request(`${gw.url}/v1/chat/completions`, { headers: { authorization: `Bearer ${gw.key}` } });
    assert.equal(wrong.statusCode, 405);
    assert.equal(wrong.headers.allow, 'POST');
    assertEnvelope((await wrong.body.json()) as ErrorEnvelope, 'method_not_allowed');
  });

  it('502 upstream_failed keeping the upstream status, streamed or not', async () => {
    cloud.script(
      { kind: 'fail', status: 500, message: 'boom' },
      { kind: 'fail', status: 429, message: 'slow down', retryAfterSeconds: 7 },
      { kind: 'fail', status: 503 },
    );
    for (const [stream, status] of [
      [false, 500],
      [false, 429],
      [true, 503],
    ] as const) {
      await assert.rejects(client.chat.completions.create({ model: 'cloud-small', messages: [{ role: 'user', content: 'hi' }], stream }), (error: unknown) => {
        assert.ok(error instanceof OpenAI.APIError);
        assert.equal(error.status, 502);
        assert.equal(error.code, 'upstream_failed');
        assert.ok(error.message.includes(`HTTP ${status}`), error.message);
        return true;
      });
    }
  });

  it('502 on a connection reset and 504 upstream_timeout on a hang', async () => {
    cloud.script({ kind: 'reset' }, { kind: 'hang' });
    await assert.rejects(client.chat.completions.create({ model: 'cloud-small', messages: [{ role: 'user', content: 'hi' }] }), (error: unknown) => {
      assert.ok(error instanceof OpenAI.APIError);
      assert.equal(error.status, 502);
      return true;
    });
    await assert.rejects(
      client.chat.completions.create({ model: 'cloud-small', messages: [{ role: 'user', content: 'hi' }], stream: true }),
      (error: unknown) => {
        assert.ok(error instanceof OpenAI.APIError);
        assert.equal(error.status, 504);
        assert.equal(error.code, 'upstream_timeout');
        return true;
      },
    );
  });

  it('a stream that breaks after the first byte ends with one error event', async () => {
    cloud.script({ kind: 'break-mid-stream', afterChunks: 3 });
    const stream = await client.chat.completions.create({ model: 'cloud-small', messages: [{ role: 'user', content: 'hi' }], stream: true });
    let received = '';
    await assert.rejects(
      (async () => {
        for await (const chunk of stream) received += chunk.choices[0]?.delta?.content ?? '';
      })(),
      (error: unknown) => {
        assert.ok(error instanceof OpenAI.APIError);
        assert.match(String(error.message), /broke the connection|before it was complete/);
        return true;
      },
    );
    assert.ok(received.length > 0, 'the chunks before the break were delivered');
  });

  it('a client that disconnects mid-stream aborts the upstream call', async () => {
    cloud.script({ kind: 'slow', delayMs: 100, then: { kind: 'reply', text: 'one two three four five six seven eight nine ten eleven twelve' } });
    const controller = new AbortController();
    const stream = await client.chat.completions.create(
      { model: 'cloud-small', messages: [{ role: 'user', content: 'hi' }], stream: true },
      { signal: controller.signal },
    );
    let received = 0;
    try {
      // The official client ends the iteration quietly when its signal aborts.
      for await (const chunk of stream) {
        if ((chunk.choices[0]?.delta?.content ?? '') !== '') {
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

  it('logs each request without its text', async () => {
    cloud.script({ kind: 'reply', text: 'secret answer text' });
    const { response } = await client.chat.completions
      .create({ model: 'cloud-small', messages: [{ role: 'user', content: 'secret prompt text' }] })
      .withResponse();
    const id = response.headers.get('x-request-id');
    // The row is written when the response closes; wait for it deterministically.
    let row;
    for (let i = 0; i < 100 && row === undefined; i++) {
      row = (await gw.gateway.requestLog.recent(50)).find((r) => r.id === id);
      if (row === undefined) await new Promise((r) => setImmediate(r));
    }
    assert.ok(row !== undefined);
    assert.equal(row.status, 200);
    assert.equal(row.provider, 'cloud');
    assert.equal(row.locality, 'cloud');
    assert.equal(row.model, 'cloud-small');
    assert.ok((row.inputTokens ?? 0) > 0);
    const dump = JSON.stringify(gw.gateway.store.db.prepare('SELECT * FROM request_log').all());
    assert.ok(!dump.includes('secret prompt text') && !dump.includes('secret answer text'));
  });
});
