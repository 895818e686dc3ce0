import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import OpenAI from 'openai';
import { request } from 'undici';
import { makeTestModels, TEST_MODEL_ANSWER } from '../fixtures/test-models.js';
import { startStandInCloud, type StandInCloud } from '../helpers/stand-in-cloud.js';
import { startTestGateway, type TestGateway } from '../helpers/start-gateway.js';

const user = (content: string): OpenAI.ChatCompletionMessageParam[] => [{ role: 'user', content }];

describe('policy router through the real server', () => {
  let dir: string;
  let chatModel: string;
  let cloud: StandInCloud;
  let gw: TestGateway;
  let client: OpenAI;

  const providers = (cloudUrl: string) => [
    { id: 'cloud-a', type: 'openai-compatible', base_url: cloudUrl, locality: 'cloud', timeouts: { first_byte_ms: 600, idle_ms: 600 } },
    { id: 'cloud-b', type: 'openai-compatible', base_url: cloudUrl, locality: 'cloud' },
    { id: 'office', type: 'openai-compatible', base_url: cloudUrl, locality: 'lan' },
    { id: 'local', type: 'llamacpp' },
  ];
  const models = () => [
    { name: 'cloud-big', provider: 'cloud-a', model: 'big-1' },
    { name: 'cloud-backup', provider: 'cloud-b', model: 'backup-1' },
    { name: 'lan-small', provider: 'office', model: 'small-1' },
    { name: 'local-chat', provider: 'local', path: chatModel, context: 1024, threads: 1 },
  ];
  const routes = [
    { name: 'careful', when: { tag: 'careful' }, cascade: { first: 'lan-small', then: 'cloud-big', escalate_on: ['refusal', 'invalid_json'] } },
    { name: 'private-stays-home', when: { pii: true }, to: ['local-chat'] },
    { name: 'tagged-batch', when: { tag: 'batch' }, to: ['lan-small'] },
    { name: 'hard-goes-out', when: { tokens_gt: 40 }, to: ['cloud-big', 'cloud-backup'] },
    { name: 'smart', expose: true, to: ['cloud-big', 'cloud-backup', 'local-chat'] },
    { name: 'default', to: ['local-chat', 'cloud-big'] },
  ];
  const long = user(
    'Explain in detail the proof that there are infinitely many prime numbers, step by step, with every lemma and a worked example, then compare it with the Euclid original and a modern version.',
  );

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'flambeau-routing-'));
    chatModel = (await makeTestModels(dir)).chat;
    cloud = await startStandInCloud();
    gw = await startTestGateway({
      providers: providers(cloud.openaiBaseUrl),
      models: models(),
      routes,
      routing: { retries: 1, retry_base_delay_ms: 1, retry_max_delay_ms: 5, breaker_failures: 4, breaker_cooldown_ms: 60_000, health_interval_ms: 0 },
      privacy: { cloud: 'allow' },
    });
    client = new OpenAI({ baseURL: gw.baseURL, apiKey: gw.key, maxRetries: 0 });
  });
  after(async () => {
    await gw.close();
    await cloud.close();
    rmSync(dir, { recursive: true, force: true });
  });
  beforeEach(() => cloud.reset());

  it('routes auto by the rules and says why in the headers', async () => {
    const local = await client.chat.completions.create({ model: 'auto', messages: user('Salut') }).withResponse();
    assert.equal(local.response.headers.get('x-flambeau-route'), 'default');
    assert.equal(local.response.headers.get('x-flambeau-locality'), 'device');
    assert.equal(local.data.choices[0]?.message.content, TEST_MODEL_ANSWER);

    const pii = await client.chat.completions.create({ model: 'auto', messages: user('Écris à jeanne.morel@example.fr pour le rendez-vous.') }).withResponse();
    assert.equal(pii.response.headers.get('x-flambeau-route'), 'private-stays-home');
    assert.equal(pii.response.headers.get('x-flambeau-provider'), 'local');

    const hard = await client.chat.completions.create({ model: 'auto', messages: long }).withResponse();
    assert.equal(hard.response.headers.get('x-flambeau-route'), 'hard-goes-out');
    assert.equal(hard.response.headers.get('x-flambeau-provider'), 'cloud-a');

    const tagged = await client.chat.completions
      .create({ model: 'auto', messages: user('hi') }, { headers: { 'x-flambeau-tags': 'nightly, batch' } })
      .withResponse();
    assert.equal(tagged.response.headers.get('x-flambeau-route'), 'tagged-batch');
    assert.equal(tagged.response.headers.get('x-flambeau-locality'), 'lan');

    const explicit = await client.chat.completions.create({ model: 'cloud-backup', messages: user('hi') }).withResponse();
    assert.equal(explicit.response.headers.get('x-flambeau-route'), 'explicit');
    const list = await client.models.list();
    assert.ok(list.data.some((m) => m.id === 'auto') && list.data.some((m) => m.id === 'smart'));
  });

  for (const [label, failure] of [
    ['500', { kind: 'fail', status: 500 }],
    ['429', { kind: 'fail', status: 429 }],
    ['reset', { kind: 'reset' }],
    ['hang (first-byte timeout)', { kind: 'hang' }],
    ['slow (idle timeout)', { kind: 'slow', delayMs: 1500 }],
  ] as const) {
    it(`falls back to the next target on ${label}, after one retry, streamed or not`, async () => {
      for (const stream of [false, true]) {
        cloud.reset();
        cloud.script(failure, failure, { kind: 'reply', text: 'from the backup' });
        const { data, response } = await client.chat.completions.create({ model: 'auto', messages: long, stream }).withResponse();
        let text = '';
        if (stream) for await (const chunk of data as AsyncIterable<OpenAI.ChatCompletionChunk>) text += chunk.choices[0]?.delta?.content ?? '';
        else text = (data as OpenAI.ChatCompletion).choices[0]?.message.content ?? '';
        assert.equal(text, 'from the backup', `${label} stream=${stream}`);
        assert.equal(response.headers.get('x-flambeau-provider'), 'cloud-b');
        assert.deepEqual(
          cloud.requests.map((r) => (r.body as { model: string }).model),
          ['big-1', 'big-1', 'backup-1'],
        );
      }
      gw.gateway.router?.breakers.onSuccess('cloud-a');
    });
  }

  it('does not fall back once the first byte has reached the client', async () => {
    cloud.script({ kind: 'break-mid-stream', afterChunks: 3 }, { kind: 'reply', text: 'never used' });
    const stream = await client.chat.completions.create({ model: 'auto', messages: long, stream: true });
    await assert.rejects(async () => {
      for await (const _chunk of stream) {
        // drain until the error event
      }
    }, OpenAI.APIError);
    assert.equal(cloud.requests.length, 1);
  });

  it('opens the breaker after repeated failures and stops calling the provider', async () => {
    cloud.setDefault({ kind: 'fail', status: 503 });
    const exposed = async () => client.chat.completions.create({ model: 'smart', messages: user('hi') }).withResponse();
    // cloud-a and cloud-b fail (each tried twice), local answers: 4 failures of each open both breakers.
    for (let i = 0; i < 2; i++) assert.equal((await exposed()).response.headers.get('x-flambeau-provider'), 'local');
    const before = cloud.requests.length;
    const third = await exposed();
    assert.equal(third.response.headers.get('x-flambeau-provider'), 'local');
    assert.equal(cloud.requests.length, before, 'open breakers: no call to the failing providers');
    const explained = await explain({ model: 'smart', messages: user('hi') });
    assert.deepEqual(
      explained.skipped.map((s: { model: string }) => s.model),
      ['cloud-big', 'cloud-backup'],
    );
    assert.match(explained.skipped[0].reason, /circuit breaker open/);
    gw.gateway.router?.breakers.onSuccess('cloud-a');
    gw.gateway.router?.breakers.onSuccess('cloud-b');
  });

  it('cascade: escalates a refusal, pseudonymised, and keeps a good first answer', async () => {
    cloud.script({ kind: 'reply', text: 'Paris.' });
    const kept = await client.chat.completions
      .create({ model: 'auto', messages: user('Capital of France?') }, { headers: { 'x-flambeau-tags': 'careful' } })
      .withResponse();
    assert.equal(kept.data.choices[0]?.message.content, 'Paris.');
    assert.equal(kept.response.headers.get('x-flambeau-cascade'), null);
    assert.equal(cloud.requests.length, 1);

    cloud.reset();
    cloud.script({ kind: 'reply', text: "I'm sorry, I can't help with that." }, { kind: 'echo' });
    const escalated = await client.chat.completions
      .create(
        { model: 'auto', messages: user('Rédige la lettre pour Mme Claire Martin, claire.martin@example.fr.') },
        { headers: { 'x-flambeau-tags': 'careful' } },
      )
      .withResponse();
    assert.equal(escalated.response.headers.get('x-flambeau-cascade'), 'escalated:refusal');
    assert.equal(escalated.response.headers.get('x-flambeau-provider'), 'cloud-a');
    const seenByCloud = JSON.stringify(cloud.requests[1]?.body);
    assert.ok(!seenByCloud.includes('claire.martin@example.fr'), 'escalation goes out pseudonymised even where the policy allows');
    assert.match(seenByCloud, /<EMAIL_1>/);
    assert.match(escalated.data.choices[0]?.message.content ?? '', /claire\.martin@example\.fr/);
  });

  it('explains a decision without calling any model', async () => {
    const body = await explain({ model: 'auto', messages: long });
    assert.equal(body.route, 'hard-goes-out');
    assert.equal(body.target.model, 'cloud-big');
    assert.equal(body.target.locality, 'cloud');
    assert.deepEqual(
      body.rules.map((r: { name: string }) => r.name),
      ['careful', 'private-stays-home', 'tagged-batch', 'hard-goes-out'],
    );
    assert.match(body.rules[1].reason, /pii: true did not hold/);
    assert.equal(body.facts.pii, false);
    assert.ok(body.facts.tokens > 40);
    assert.equal(typeof body.facts.complexity, 'number');
    assert.equal(cloud.requests.length, 0);
    const bad = await request(`${gw.url}/v1/route/explain`, { method: 'POST', headers: { authorization: `Bearer ${gw.key}` }, body: '{"model": "auto"}' });
    assert.equal(bad.statusCode, 400);
    await bad.body.dump();
  });

  async function explain(body: unknown) {
    const res = await request(`${gw.url}/v1/route/explain`, {
      method: 'POST',
      headers: { authorization: `Bearer ${gw.key}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    assert.equal(res.statusCode, 200);
    return (await res.body.json()) as Record<string, any>;
  }

  describe('offline', () => {
    it('stand-in cloud stopped: work a rule allows locally goes on, the rest gets 503 no_target_available', async () => {
      const gone = await startStandInCloud();
      const url = gone.openaiBaseUrl;
      await gone.close();
      await using offline = await startTestGateway({
        providers: providers(url),
        models: models(),
        routes: [
          { name: 'hard', when: { tokens_gt: 40 }, to: ['cloud-big', 'cloud-backup'] },
          { name: 'default', to: ['local-chat', 'cloud-big'] },
        ],
        routing: { retries: 1, retry_base_delay_ms: 1, retry_max_delay_ms: 5, health_interval_ms: 0 },
      });
      const c = new OpenAI({ baseURL: offline.baseURL, apiKey: offline.key, maxRetries: 0 });
      for (let i = 0; i < 3; i++) {
        const res = await c.chat.completions.create({ model: 'auto', messages: user('Bonjour') });
        assert.equal(res.choices[0]?.message.content, TEST_MODEL_ANSWER);
      }
      await assert.rejects(c.chat.completions.create({ model: 'auto', messages: long }), (error: unknown) => {
        assert.ok(error instanceof OpenAI.APIError);
        assert.equal(error.status, 503);
        assert.equal(error.code, 'no_target_available');
        assert.match(error.message, /cloud-big: .*cloud-backup: /);
        return true;
      });
    });

    it('allow_cloud: false makes zero cloud calls', async () => {
      await using airgapped = await startTestGateway({
        providers: providers(cloud.openaiBaseUrl),
        models: models(),
        routes: [
          { name: 'hard', when: { tokens_gt: 40 }, to: ['cloud-big', 'local-chat'] },
          { name: 'default', to: ['cloud-big', 'local-chat'] },
        ],
        routing: { allow_cloud: false, health_interval_ms: 0 },
      });
      const c = new OpenAI({ baseURL: airgapped.baseURL, apiKey: airgapped.key, maxRetries: 0 });
      const a = await c.chat.completions.create({ model: 'auto', messages: long }).withResponse();
      assert.equal(a.response.headers.get('x-flambeau-locality'), 'device');
      await c.chat.completions.create({ model: 'auto', messages: user('hi'), stream: true }).then(async (s) => {
        for await (const _ of s);
      });
      await assert.rejects(
        c.chat.completions.create({ model: 'cloud-big', messages: user('hi') }),
        (e: unknown) => e instanceof OpenAI.APIError && e.status === 503,
      );
      await assert.rejects(c.embeddings.create({ model: 'cloud-big', input: 'x' }), (e: unknown) => e instanceof OpenAI.APIError && e.status === 503);
      const lan = await c.chat.completions.create({ model: 'lan-small', messages: user('hi') });
      assert.ok(lan.choices[0]?.message.content);
      assert.deepEqual(
        cloud.requests.map((r) => (r.body as { model: string }).model),
        ['small-1'],
        'only the lan model was called',
      );
    });
  });
});
