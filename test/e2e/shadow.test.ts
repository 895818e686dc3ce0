// Shadow evaluation through the real server: a tiny local model answers the client, the stand-in
// cloud plays the shadow target (and the judge). The client's answer must never depend on it.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import OpenAI from 'openai';
import { makeTestModels, TEST_MODEL_ANSWER } from '../fixtures/test-models.js';
import { runCli } from '../helpers/run-cli.js';
import { startStandInCloud, type StandInCloud } from '../helpers/stand-in-cloud.js';
import { startTestGateway, type TestGateway } from '../helpers/start-gateway.js';
import type { ShadowEvaluator } from '../../src/shadow/index.js';

const EMAIL = 'claire.martin@example.fr';

const rule = (name: string, extra: Record<string, unknown> = {}) => ({
  name,
  when: { route: 'default', tag: name },
  compare: ['local-chat', 'cloud-big'],
  sample: 1.0,
  // Hanging shadow calls end soon, so that idle() does not wait for the default two minutes.
  timeout_ms: 3000,
  ...extra,
});

type Row = Record<string, unknown>;

describe('shadow evaluation on live traffic', () => {
  let dir: string;
  let cloud: StandInCloud;
  let gw: TestGateway;
  let client: OpenAI;
  let shadow: ShadowEvaluator;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'flambeau-models-'));
    const models = await makeTestModels(dir);
    cloud = await startStandInCloud();
    gw = await startTestGateway({
      providers: [
        { id: 'local', type: 'llamacpp' },
        { id: 'cloud', type: 'openai-compatible', base_url: cloud.openaiBaseUrl, locality: 'cloud' },
      ],
      models: [
        { name: 'local-chat', provider: 'local', path: models.chat, context: 1024, threads: 1 },
        { name: 'cloud-big', provider: 'cloud', model: 'big-1', price: { input_per_mtok: 3, output_per_mtok: 15 } },
        { name: 'cloud-judge', provider: 'cloud', model: 'judge-1', price: { input_per_mtok: 1, output_per_mtok: 1 } },
        { name: 'cloud-pricey', provider: 'cloud', model: 'pricey-1', price: { input_per_mtok: 1000, output_per_mtok: 1000 } },
      ],
      routes: [{ name: 'default', to: ['local-chat'] }],
      privacy: { cloud: 'pseudonymize' },
      shadow: [
        rule('basic'),
        rule('content', { include_content: true }),
        rule('judged', { judge: 'cloud-judge' }),
        rule('queue', { max_concurrency: 1, max_queue: 1 }),
        rule('embedded', { embedding_model: 'local-chat' }),
        rule('budget', { compare: ['local-chat', 'cloud-pricey'], budget_usd: '0.001/day' }),
      ],
    });
    client = new OpenAI({ baseURL: gw.baseURL, apiKey: gw.key, maxRetries: 0 });
    shadow = gw.gateway.shadow as ShadowEvaluator;
  });
  after(async () => {
    await gw?.close();
    await cloud?.close();
    rmSync(dir, { recursive: true, force: true });
  });
  beforeEach(() => {
    cloud.reset();
  });

  const ask = (tag: string, content = 'Quel temps fait-il à Paris ?') =>
    client.chat.completions.create({ model: 'auto', messages: [{ role: 'user', content }] }, { headers: { 'x-flambeau-tags': tag } });
  const rows = (ruleName: string): Row[] => gw.gateway.store.db.prepare('SELECT * FROM shadow_comparisons WHERE rule = ? ORDER BY id').all(ruleName) as Row[];

  it('answers the client first, unchanged, while the shadow target still hangs; whole and streamed', async () => {
    cloud.setDefault({ kind: 'hang' });
    const whole = await ask('basic');
    assert.equal(whole.choices[0]?.message.content, TEST_MODEL_ANSWER);
    let text = '';
    const stream = await client.chat.completions.create(
      { model: 'auto', messages: [{ role: 'user', content: 'Et à Lyon ?' }], stream: true },
      { headers: { 'x-flambeau-tags': 'basic' } },
    );
    for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? '';
    assert.equal(text, TEST_MODEL_ANSWER);
    // Both shadow calls reach the cloud, and both are still unanswered: the client did not wait.
    await cloud.waitFor((r) => r.length === 2 && r.every((x) => x.body !== undefined));
    assert.ok(cloud.requests.every((r) => !r.completed));
    assert.deepEqual(
      cloud.requests.map((r) => (r.body as { model: string }).model),
      ['big-1', 'big-1'],
    );
    await shadow.idle();
    assert.deepEqual(
      rows('basic').map((r) => r.outcome),
      ['error', 'error'],
    );
  });

  it('a failing shadow target never causes a client error; the failure is stored', async () => {
    const before = rows('basic').length;
    cloud.setDefault({ kind: 'fail', status: 500 });
    for (let i = 0; i < 3; i++) assert.equal((await ask('basic')).choices[0]?.message.content, TEST_MODEL_ANSWER);
    await cloud.waitFor((r) => r.filter((x) => x.completed).length === 3);
    await shadow.idle();
    const failed = rows('basic')
      .slice(before)
      .filter((r) => r.outcome === 'error');
    assert.ok(failed.length >= 3);
    assert.ok(failed.every((r) => typeof r.error_code === 'string'));
  });

  it('pseudonymises personal data for a cloud shadow target and stores no text', async () => {
    cloud.setDefault({ kind: 'reply', text: TEST_MODEL_ANSWER });
    const prompt = `Écris à ${EMAIL} pour confirmer le rendez-vous.`;
    const answer = await ask('basic', prompt);
    assert.equal(answer.choices[0]?.message.content, TEST_MODEL_ANSWER);
    await shadow.idle();
    const seen = JSON.stringify(cloud.requests[0]?.body);
    assert.ok(seen.includes('rendez-vous'), 'the shadow target got the request');
    assert.ok(!seen.includes(EMAIL), 'the e-mail address reached the cloud raw');
    const row = rows('basic').at(-1) as Row;
    assert.equal(row.outcome, 'agree');
    assert.equal(row.agreement, 1);
    assert.equal(row.method, 'exact');
    assert.equal(row.served_model, 'local-chat');
    assert.equal(row.local_text, null);
    assert.equal(row.reference_text, null);
    assert.ok((row.reference_cost_nusd as number) > 0);
    assert.equal(row.local_cost_nusd, 0);
    const stored = JSON.stringify(row);
    for (const word of ['rendez-vous', 'claire', 'Bonjour']) assert.ok(!stored.includes(word), `${word} is stored`);
    const features = JSON.parse(row.features as string) as { kind: string; indices: number[] };
    assert.equal(features.kind, 'open');
    assert.ok(features.indices.length > 5);
  });

  it('stores both texts only where the rule sets include_content', async () => {
    cloud.setDefault({ kind: 'reply', text: 'Hello from the stand-in cloud.' });
    await ask('content');
    await shadow.idle();
    const row = rows('content').at(-1) as Row;
    assert.equal(row.outcome, 'disagree');
    assert.equal(row.local_text, TEST_MODEL_ANSWER);
    assert.equal(row.reference_text, 'Hello from the stand-in cloud.');
    // A streamed answer is compared as the client read it.
    const stream = await client.chat.completions.create(
      { model: 'auto', messages: [{ role: 'user', content: 'Et à Lyon ?' }], stream: true },
      { headers: { 'x-flambeau-tags': 'content' } },
    );
    for await (const _chunk of stream);
    await shadow.idle();
    const streamed = rows('content').at(-1) as Row;
    assert.notEqual(streamed.id, row.id);
    assert.equal(streamed.local_text, TEST_MODEL_ANSWER);
  });

  it('asks the judge when the answers differ, and keeps its verdict and reason', async () => {
    cloud.script({ kind: 'reply', text: 'Bonjour, from flambeau. Have a nice day!' }, { kind: 'reply', text: 'PASS: both greet the user.' });
    await ask('judged');
    await shadow.idle();
    const row = rows('judged').at(-1) as Row;
    assert.deepEqual(
      cloud.requests.map((r) => (r.body as { model: string }).model),
      ['big-1', 'judge-1'],
    );
    assert.equal(row.method, 'judge');
    assert.equal(row.judge_verdict, 'pass');
    assert.equal(row.judge_reason, 'both greet the user.');
    assert.equal(row.outcome, 'agree');
    assert.equal(row.local_as_good, 1);
  });

  it('scores free-text answers by the cosine of their embeddings on a device-local model', async () => {
    cloud.setDefault({ kind: 'reply', text: 'Il fait beau à Paris.' });
    await ask('embedded');
    await shadow.idle();
    const row = rows('embedded').at(-1) as Row;
    assert.equal(row.method, 'embedding');
    assert.ok((row.agreement as number) >= 0 && (row.agreement as number) <= 1);
    assert.equal(row.outcome, (row.agreement as number) >= 0.8 ? 'agree' : 'disagree');
  });

  it('drops (and counts) offers when the queue is full', async () => {
    cloud.setDefault({ kind: 'hang' });
    for (let i = 0; i < 4; i++) assert.equal((await ask('queue')).choices[0]?.message.content, TEST_MODEL_ANSWER);
    // One call in flight, one queued, two dropped.
    const stats = shadow.stats('queue');
    assert.equal(stats.sampled, 4);
    assert.equal(stats.dropped, 2);
    const metrics = await (await fetch(`${gw.url}/metrics`, { headers: { authorization: `Bearer ${gw.key}` } })).text();
    assert.match(metrics, /flambeau_shadow_comparisons_total\{route="default",outcome="dropped"\} 2/);
    // The call in flight times out; the queued offer runs next.
    cloud.setDefault({ kind: 'reply', text: TEST_MODEL_ANSWER });
    await shadow.idle();
    assert.deepEqual(
      rows('queue').map((r) => r.outcome),
      ['error', 'agree'],
    );
  });

  it('stops shadow calls once the rule spent its daily budget; the caller pays nothing for them', async () => {
    cloud.setDefault({ kind: 'reply', text: TEST_MODEL_ANSWER });
    await ask('budget');
    await shadow.idle();
    assert.equal(cloud.requests.length, 1);
    assert.ok((rows('budget')[0]?.shadow_cost_nusd as number) > 0.001e9);
    for (let i = 0; i < 3; i++) await ask('budget');
    await shadow.idle();
    assert.equal(cloud.requests.length, 1, 'no shadow call past the budget');
    assert.equal(shadow.stats('budget').overBudget, 3);
    // The caller's usage (and so its key budget) holds the local answers only, at no cost.
    await gw.gateway.flushRecords();
    const usage = gw.gateway.store.db.prepare("SELECT COUNT(*) AS cloud, COALESCE(SUM(cost_nusd), 0) AS cost FROM usage_log WHERE provider = 'cloud'").get();
    assert.deepEqual({ ...(usage as object) }, { cloud: 0, cost: 0 });
  });

  it('`flambeau shadow report` prints the figures per route and model pair', async () => {
    const text = await runCli(['shadow', 'report', '--home', gw.home]);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /^ROUTE\s+LOCAL\s+REFERENCE\s+COMPARISONS/);
    assert.match(text.stdout, /\ndefault\s+local-chat\s+cloud-big\s+\d+/);
    assert.match(text.stdout, /\ndefault\s+local-chat\s+cloud-pricey\s+1\s+0\s+0\s+100\.0%\s+100\.0%/);
    const json = await runCli(['shadow', 'report', '--home', gw.home, '--json', '--since', '1h']);
    const report = JSON.parse(json.stdout) as {
      data: { referenceModel: string; comparisons: number; localAsGood: number; couldSaveUsd: number; savedUsd: number }[];
    };
    const pricey = report.data.find((g) => g.referenceModel === 'cloud-pricey');
    assert.equal(pricey?.comparisons, 1);
    assert.equal(pricey?.localAsGood, 1);
    assert.ok((pricey?.savedUsd ?? 0) > 0.001, 'the local answer served was as good: the reference cost was saved');
    assert.equal(pricey?.couldSaveUsd, 0);
  });
});

describe('shadow evaluation never sends to a target the privacy policy forbids', () => {
  it('stores a denied comparison and makes no call when personal data may not go to the cloud', async () => {
    await using cloud = await startStandInCloud();
    await using gw = await startTestGateway({
      providers: [
        { id: 'office', type: 'openai-compatible', base_url: cloud.openaiBaseUrl, locality: 'lan' },
        { id: 'cloud', type: 'openai-compatible', base_url: cloud.openaiBaseUrl, locality: 'cloud' },
      ],
      models: [
        { name: 'lan-small', provider: 'office', model: 'small-1' },
        { name: 'cloud-big', provider: 'cloud', model: 'big-1' },
      ],
      routes: [{ name: 'default', to: ['lan-small'] }],
      privacy: { lan: 'allow', cloud: 'block' },
      shadow: [{ name: 'lan-vs-cloud', when: { route: 'default' }, compare: ['lan-small', 'cloud-big'], sample: 1 }],
    });
    cloud.setDefault({ kind: 'reply', text: 'Noted.' });
    const client = new OpenAI({ baseURL: gw.baseURL, apiKey: gw.key, maxRetries: 0 });
    const shadow = gw.gateway.shadow as ShadowEvaluator;
    const answer = await client.chat.completions.create({ model: 'auto', messages: [{ role: 'user', content: `Write to ${EMAIL} today.` }] });
    assert.equal(answer.choices[0]?.message.content, 'Noted.');
    await shadow.idle();
    assert.deepEqual(
      cloud.requests.map((r) => (r.body as { model: string }).model),
      ['small-1'],
    );
    // Without personal data the same rule compares as usual.
    await client.chat.completions.create({ model: 'auto', messages: [{ role: 'user', content: 'Write to the team today.' }] });
    await shadow.idle();
    assert.deepEqual(
      cloud.requests.map((r) => (r.body as { model: string }).model),
      ['small-1', 'small-1', 'big-1'],
    );
    const outcomes = gw.gateway.store.db.prepare('SELECT outcome, error_code FROM shadow_comparisons ORDER BY id').all();
    assert.deepEqual(
      outcomes.map((r) => ({ ...(r as object) })),
      [
        { outcome: 'denied', error_code: 'policy_denied' },
        { outcome: 'agree', error_code: null },
      ],
    );
  });
});
