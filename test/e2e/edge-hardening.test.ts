import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import OpenAI from 'openai';
import { request } from 'undici';
import { startStandInCloud, type StandInCloud } from '../helpers/stand-in-cloud.js';
import { startTestGateway, type TestGateway } from '../helpers/start-gateway.js';

interface ErrorEnvelope {
  error: { message: string; type: string; param: string | null; code: string };
}

const BREAKER_FAILURES = 3;
const hi = [{ role: 'user' as const, content: 'hi' }];

/** `{"extra":[[[…]]]}` with `levels` nested arrays inside the body object. */
function nested(levels: number, body: Record<string, unknown> = {}): string {
  const head = JSON.stringify(body).slice(0, -1);
  return `${head}${head.length > 1 ? ',' : ''}"extra":${'['.repeat(levels)}${']'.repeat(levels)}}`;
}

describe('the HTTP edge: one caller cannot take a provider down, malformed paths, scopes, sizes', () => {
  let cloud: StandInCloud;
  let gw: TestGateway;
  let client: OpenAI;

  before(async () => {
    cloud = await startStandInCloud();
    gw = await startTestGateway({
      // One upstream call per request, so that N requests are N breaker verdicts.
      routing: { retries: 0, breaker_failures: BREAKER_FAILURES, breaker_cooldown_ms: 600_000, health_interval_ms: 0 },
      providers: [{ id: 'cloud', type: 'openai-compatible', base_url: cloud.openaiBaseUrl, locality: 'cloud' }],
      models: [
        { name: 'cloud-small', provider: 'cloud', model: 'upstream-small' },
        { name: 'cloud-other', provider: 'cloud', model: 'upstream-other' },
        { name: 'cloud-embed', provider: 'cloud', model: 'upstream-embed' },
      ],
    });
    client = new OpenAI({ baseURL: gw.baseURL, apiKey: gw.key, maxRetries: 0 });
  });
  after(async () => {
    await gw.close();
    await cloud.close();
  });
  beforeEach(() => {
    cloud.reset();
    gw.gateway.router.breakers.onSuccess('cloud');
  });

  async function call(
    method: string,
    path: string,
    body?: string,
    key = gw.key,
  ): Promise<{ status: number; body: ErrorEnvelope & Record<string, unknown>; headers: Record<string, unknown> }> {
    const res = await request(`${gw.url}${path}`, {
      method: method as 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body }),
    });
    const text = await res.body.text();
    return { status: res.statusCode, body: JSON.parse(text) as ErrorEnvelope & Record<string, unknown>, headers: res.headers };
  }

  async function newKey(body: Record<string, unknown>): Promise<string> {
    const made = await call('POST', '/admin/keys', JSON.stringify(body));
    assert.equal(made.status, 201, JSON.stringify(made.body));
    return made.body.key as string;
  }

  describe("item 1: a body nested too deep is the caller's mistake", () => {
    it('400 invalid_request on every JSON endpoint, before any routing or upstream call', async () => {
      const chat = { model: 'cloud-small', messages: hi };
      const bodies: [string, string][] = [
        ['/v1/chat/completions', nested(5000, chat)],
        ['/v1/chat/completions', nested(5000, { ...chat, stream: true })],
        ['/v1/route/explain', nested(5000, chat)],
        ['/v1/embeddings', nested(5000, { model: 'cloud-embed', input: 'hi' })],
        ['/v1/knowledge/search', nested(5000, { query: 'hi' })],
        ['/v1/privacy/scan', nested(5000, { text: 'hi' })],
        ['/admin/keys', nested(5000, { name: 'deep' })],
        ['/admin/teams', nested(5000, { id: 'deep' })],
        // Deep inside a known field too, and objects as well as arrays.
        [
          '/v1/chat/completions',
          JSON.stringify({ model: 'cloud-small', messages: hi, tools: [{ type: 'function', function: { name: 'f', parameters: deepObject(200) } }] }),
        ],
      ];
      for (const [path, body] of bodies) {
        const res = await call('POST', path, body);
        assert.equal(res.status, 400, `${path}: ${JSON.stringify(res.body)}`);
        assert.equal(res.body.error.code, 'invalid_request');
        assert.match(res.body.error.message, /nested deeper than 64/);
      }
      assert.equal(cloud.requests.length, 0);
      assert.equal((await call('GET', '/admin/keys')).body.data instanceof Array, true);
    });

    it('a body exactly at the limit passes; brackets inside strings do not count', async () => {
      // The body object is level 1: 63 arrays inside it make 64.
      const ok = await call('POST', '/v1/chat/completions', nested(63, { model: 'cloud-small', messages: hi }));
      assert.equal(ok.status, 200, JSON.stringify(ok.body));
      const over = await call('POST', '/v1/chat/completions', nested(64, { model: 'cloud-small', messages: hi }));
      assert.equal(over.status, 400);
      const text = await call(
        'POST',
        '/v1/chat/completions',
        JSON.stringify({ model: 'cloud-small', messages: [{ role: 'user', content: `${'[{'.repeat(5000)}"\\"[[` }] }),
      );
      assert.equal(text.status, 200, JSON.stringify(text.body));
    });

    it('many deep requests leave the provider serving everyone else', async () => {
      for (let i = 0; i < BREAKER_FAILURES * 2; i++)
        assert.equal((await call('POST', '/v1/chat/completions', nested(5000, { model: 'cloud-small', messages: hi }))).status, 400);
      const answer = await client.chat.completions.create({ model: 'cloud-small', messages: hi });
      assert.equal(answer.choices[0]?.message.content, 'Hello from the stand-in cloud.');
      assert.equal(gw.gateway.router.breakers.snapshot().cloud, undefined);
    });
  });

  describe('item 1: only upstream faults feed the circuit breaker', () => {
    it('upstream 400s (and 404, 409, 422) never open the breaker', async () => {
      const statuses = [400, 400, 400, 404, 409, 422, 400];
      cloud.script(...statuses.map((status) => ({ kind: 'fail' as const, status })));
      for (const status of statuses) {
        const res = await call('POST', '/v1/chat/completions', JSON.stringify({ model: 'cloud-small', messages: hi }));
        assert.equal(res.body.error.code, 'upstream_failed', JSON.stringify(res.body));
        assert.ok(res.body.error.message.includes(`HTTP ${status}`), res.body.error.message);
      }
      assert.equal(gw.gateway.router.breakers.state('cloud'), 'closed');
      const answer = await client.chat.completions.create({ model: 'cloud-small', messages: hi });
      assert.equal(answer.choices[0]?.message.content, 'Hello from the stand-in cloud.');
      assert.equal(cloud.requests.length, statuses.length + 1);
    });

    it('upstream 5xx, 429 and resets do open it: the next caller is refused without an upstream call', async () => {
      cloud.script({ kind: 'fail', status: 500 }, { kind: 'fail', status: 429 }, { kind: 'reset' });
      for (let i = 0; i < BREAKER_FAILURES; i++)
        assert.equal((await call('POST', '/v1/chat/completions', JSON.stringify({ model: 'cloud-small', messages: hi }))).body.error.code, 'upstream_failed');
      assert.equal(gw.gateway.router.breakers.state('cloud'), 'open');
      const refused = await call('POST', '/v1/chat/completions', JSON.stringify({ model: 'cloud-small', messages: hi }));
      assert.equal(refused.status, 503);
      assert.equal(refused.body.error.code, 'no_target_available');
      assert.equal(cloud.requests.length, BREAKER_FAILURES);
    });

    it('an upstream 400 between 500s neither counts nor resets the count', async () => {
      cloud.script({ kind: 'fail', status: 500 }, { kind: 'fail', status: 500 }, { kind: 'fail', status: 400 }, { kind: 'fail', status: 502 });
      for (let i = 0; i < 4; i++) await call('POST', '/v1/chat/completions', JSON.stringify({ model: 'cloud-small', messages: hi }));
      assert.equal(gw.gateway.router.breakers.state('cloud'), 'open');
    });
  });

  describe('item 10: malformed percent escapes in paths', () => {
    it('400 invalid_request, never 500, for /v1/models/{x} and /admin/... (401 without a key)', async () => {
      for (const path of ['/v1/models/%E0%A4%A', '/v1/models/%ZZ', '/v1/models/abc%']) {
        const res = await call('GET', path);
        assert.equal(res.status, 400, `${path}: ${JSON.stringify(res.body)}`);
        assert.equal(res.body.error.code, 'invalid_request');
        const anonymous = await request(`${gw.url}${path}`);
        assert.equal(anonymous.statusCode, 401, path);
        await anonymous.body.dump();
      }
      for (const [method, path] of [
        ['GET', '/admin/keys/%E0%A4%A'],
        ['DELETE', '/admin/keys/%ZZ'],
        ['GET', '/admin/teams/%'],
      ]) {
        const res = await call(method as string, path as string);
        assert.equal(res.status, 400, `${method} ${path}: ${JSON.stringify(res.body)}`);
        assert.equal(res.body.error.code, 'invalid_request');
      }
      // Well-formed escapes still work.
      assert.equal((await call('GET', '/v1/models/cloud%2Dsmall')).status, 200);
    });
  });

  describe("item 11: /v1/route/explain applies the key's model scope", () => {
    it('403 forbidden for a model outside the scope, without naming its provider or upstream id', async () => {
      const key = await newKey({ name: 'explain-scoped', models: ['cloud-small'] });
      const denied = await call('POST', '/v1/route/explain', JSON.stringify({ model: 'cloud-other', messages: hi }), key);
      assert.equal(denied.status, 403);
      assert.equal(denied.body.error.code, 'forbidden');
      assert.equal(denied.body.error.param, 'model');
      assert.ok(!JSON.stringify(denied.body).includes('upstream-other'));
      // Through a rag: name too, as chat reads it.
      const rag = await call('POST', '/v1/route/explain', JSON.stringify({ model: 'rag:notes/cloud-other', messages: hi }), key);
      assert.equal(rag.status, 403);
      const allowed = await call('POST', '/v1/route/explain', JSON.stringify({ model: 'cloud-small', messages: hi }), key);
      assert.equal(allowed.status, 200);
      assert.equal((allowed.body.target as { upstream_model: string }).upstream_model, 'upstream-small');
    });
  });

  describe('item 15: counts are bounded before any per-message work', () => {
    it('refuses more than 10,000 messages with 400 naming messages, before checking a single one', async () => {
      // Each message is invalid: a refusal naming messages[0] would mean they were all parsed first.
      const body = JSON.stringify({ model: 'cloud-small', messages: Array.from({ length: 10_001 }, () => ({})) });
      const res = await call('POST', '/v1/chat/completions', body);
      assert.equal(res.status, 400);
      assert.equal(res.body.error.code, 'invalid_request');
      assert.equal(res.body.error.param, 'messages');
      assert.match(res.body.error.message, /maximum length 10000, but got an array with length 10001/);
      const explain = await call('POST', '/v1/route/explain', body);
      assert.equal(explain.body.error.param, 'messages');
    });

    it('bounds content parts per message and tool calls per message, naming the field', async () => {
      const parts = Array.from({ length: 1001 }, () => ({ type: 'text', text: 'a' }));
      const many = await call(
        'POST',
        '/v1/chat/completions',
        JSON.stringify({
          model: 'cloud-small',
          messages: [
            { role: 'user', content: 'hi' },
            { role: 'user', content: parts },
          ],
        }),
      );
      assert.equal(many.status, 400);
      assert.equal(many.body.error.param, 'messages[1].content');
      const calls = Array.from({ length: 129 }, (_, i) => ({ id: `c${i}`, type: 'function', function: { name: 'f', arguments: '{}' } }));
      const tooManyCalls = await call(
        'POST',
        '/v1/chat/completions',
        JSON.stringify({
          model: 'cloud-small',
          messages: [
            { role: 'user', content: 'hi' },
            { role: 'assistant', tool_calls: calls },
          ],
        }),
      );
      assert.equal(tooManyCalls.status, 400);
      assert.equal(tooManyCalls.body.error.param, 'messages[1].tool_calls');
      const spread = Array.from({ length: 11 }, () => ({ role: 'user', content: parts.slice(0, 1000) }));
      const inAll = await call('POST', '/v1/chat/completions', JSON.stringify({ model: 'cloud-small', messages: spread }));
      assert.equal(inAll.status, 400);
      assert.equal(inAll.body.error.param, 'messages');
      assert.match(inAll.body.error.message, /10000 content parts in all/);
      assert.equal(cloud.requests.length, 0);
    });

    it('a 4 MB body of 500k messages gets 400 while /healthz keeps answering', async () => {
      const messages = `[${Array.from({ length: 500_000 }, () => '{"role":"user","content":""}')
        .join(',')
        .slice(0, 4 * 1024 * 1024 - 100)}`;
      const body = `{"model":"cloud-small","messages":${messages.slice(0, messages.lastIndexOf('}') + 1)}]}`;
      assert.ok(body.length < 4 * 1024 * 1024);
      const big = call('POST', '/v1/chat/completions', body);
      const health = request(`${gw.url}/healthz`).then(async (r) => ({ status: r.statusCode, body: await r.body.json() }));
      const [refused, healthy] = await Promise.all([big, health]);
      assert.equal(refused.status, 400);
      assert.equal(refused.body.error.param, 'messages');
      assert.deepEqual(healthy, { status: 200, body: { status: 'ok' } });
      assert.equal(cloud.requests.length, 0);
    });
  });

  describe('item 16: the rate-limit reset and Retry-After agree', () => {
    it('a 429 says the same wait in x-ratelimit-reset-requests and Retry-After', async () => {
      const key = await newKey({ name: 'limited', rpm: 2 });
      const limited = new OpenAI({ baseURL: gw.baseURL, apiKey: key, maxRetries: 0 });
      const first = await limited.chat.completions.create({ model: 'cloud-small', messages: hi }).withResponse();
      assert.equal(first.response.headers.get('x-ratelimit-reset-requests'), '30s');
      await limited.chat.completions.create({ model: 'cloud-small', messages: hi });
      const refused = await call('POST', '/v1/chat/completions', JSON.stringify({ model: 'cloud-small', messages: hi }), key);
      assert.equal(refused.status, 429);
      const retryAfter = Number(refused.headers['retry-after']);
      const reset = String(refused.headers['x-ratelimit-reset-requests']);
      const seconds = Number(/^(\d+(?:\.\d+)?)s$/.exec(reset)?.[1]);
      assert.ok(retryAfter >= 1 && retryAfter <= 30, String(retryAfter));
      assert.equal(Math.max(1, Math.ceil(seconds)), retryAfter, `reset ${reset} vs Retry-After ${retryAfter}`);
    });
  });
});

function deepObject(levels: number): Record<string, unknown> {
  let value: Record<string, unknown> = { type: 'string' };
  for (let i = 0; i < levels; i++) value = { type: 'object', properties: { x: value } };
  return value;
}
