import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import OpenAI from 'openai';
import { request } from 'undici';
import { makeTestModels } from '../fixtures/test-models.js';
import { startStandInCloud, type StandInCloud } from '../helpers/stand-in-cloud.js';
import { startTestGateway, type TestGateway } from '../helpers/start-gateway.js';

/** One sample of the exposition: `name{a="x",b="y"} value`. */
interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

function parseExposition(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    assert.ok(match !== null, `not an exposition line: ${line}`);
    const labels: Record<string, string> = {};
    for (const pair of (match[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[pair[1] as string] = pair[2] as string;
    samples.push({ name: match[1] as string, labels, value: Number(match[3]) });
  }
  return samples;
}

const find = (samples: Sample[], name: string, labels: Record<string, string>) =>
  samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
const total = (samples: Sample[], name: string, labels: Record<string, string>) => find(samples, name, labels).reduce((sum, s) => sum + s.value, 0);

describe('Prometheus metrics at GET /metrics, through the real server', () => {
  let cloud: StandInCloud;
  let gw: TestGateway;
  let dir: string;
  let client: OpenAI;
  const scrape = async (headers: Record<string, string> = { authorization: `Bearer ${gw.key}` }) => {
    const res = await request(`${gw.url}/metrics`, { headers });
    return { status: res.statusCode, type: String(res.headers['content-type']), text: await res.body.text() };
  };
  const newKey = async (body: Record<string, unknown>) => {
    const res = await request(`${gw.url}/admin/keys`, {
      method: 'POST',
      headers: { authorization: `Bearer ${gw.key}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    assert.equal(res.statusCode, 201);
    return (await res.body.json()) as { id: string; key: string };
  };

  before(async () => {
    cloud = await startStandInCloud();
    dir = mkdtempSync(join(tmpdir(), 'flambeau-metrics-'));
    const models = await makeTestModels(dir);
    gw = await startTestGateway({
      providers: [
        { id: 'cloud', type: 'openai-compatible', base_url: cloud.openaiBaseUrl, locality: 'cloud' },
        { id: 'local', type: 'llamacpp' },
      ],
      models: [
        { name: 'cloud-small', provider: 'cloud', model: 'small-1', price: { input_per_mtok: 1, output_per_mtok: 1 }, max_tokens: 20 },
        { name: 'local-chat', provider: 'local', path: models.chat, context: 512, threads: 1 },
      ],
      privacy: { cloud: 'pseudonymize' },
      routing: { retries: 0 },
    });
    client = new OpenAI({ baseURL: gw.baseURL, apiKey: gw.key, maxRetries: 0 });
  });
  after(async () => {
    await gw.close();
    await cloud.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('counts requests, tokens, cost, privacy findings and upstream errors, with bounded labels', async () => {
    const budgeted = await newKey({ name: 'spender', budget: { usd: 5, period: 'month' } });
    const spender = new OpenAI({ baseURL: gw.baseURL, apiKey: budgeted.key, maxRetries: 0 });
    cloud.script({ kind: 'reply', text: 'Bonjour.' });
    const answer = await spender.chat.completions.create({ model: 'cloud-small', messages: [{ role: 'user', content: 'Write to jeanne.martin@example.org' }] });
    cloud.script({ kind: 'fail', status: 500, message: 'boom' });
    await assert.rejects(client.chat.completions.create({ model: 'cloud-small', messages: [{ role: 'user', content: 'x' }] }));
    await assert.rejects(client.chat.completions.create({ model: 'no-such-model-7f3a', messages: [{ role: 'user', content: 'x' }] }), { status: 404 });
    await client.chat.completions.create({ model: 'local-chat', messages: [{ role: 'user', content: 'Bonjour' }], stream: false });

    const res = await scrape();
    assert.equal(res.status, 200);
    assert.match(res.type, /^text\/plain; version=0\.0\.4/);
    const samples = parseExposition(res.text);
    const chat = { endpoint: '/v1/chat/completions' };
    assert.equal(total(samples, 'flambeau_requests_total', { ...chat, model: 'cloud-small', provider: 'cloud', locality: 'cloud', status: '200' }), 1);
    assert.equal(total(samples, 'flambeau_requests_total', { ...chat, model: 'cloud-small', status: '502' }), 1);
    assert.equal(total(samples, 'flambeau_requests_total', { ...chat, model: 'other', status: '404' }), 1);
    assert.equal(total(samples, 'flambeau_requests_total', { ...chat, model: 'local-chat', locality: 'device', status: '200' }), 1);
    // No request-controlled string becomes a label.
    assert.ok(!res.text.includes('no-such-model-7f3a'));
    assert.equal(total(samples, 'flambeau_request_duration_seconds_count', { endpoint: '/v1/chat/completions' }), 4);

    const usage = answer.usage as OpenAI.CompletionUsage;
    assert.equal(total(samples, 'flambeau_tokens_total', { direction: 'input', model: 'cloud-small', locality: 'cloud' }), usage.prompt_tokens);
    assert.equal(total(samples, 'flambeau_tokens_total', { direction: 'output', model: 'cloud-small', locality: 'cloud' }), usage.completion_tokens);
    const cost = total(samples, 'flambeau_cost_usd_total', { model: 'cloud-small', key: budgeted.id, team: 'none' });
    assert.ok(Math.abs(cost - (usage.prompt_tokens + usage.completion_tokens) / 1e6) < 1e-12, String(cost));
    assert.equal(total(samples, 'flambeau_privacy_findings_total', { type: 'EMAIL', action: 'pseudonymize' }), 1);
    assert.equal(total(samples, 'flambeau_upstream_errors_total', { provider: 'cloud', code: 'upstream_failed' }), 1);

    // Gauges, read at scrape time.
    assert.equal(total(samples, 'flambeau_breaker_open', { provider: 'cloud' }), 0);
    assert.equal(total(samples, 'flambeau_engine_model_loaded', { model: 'local-chat' }), 1);
    assert.equal(total(samples, 'flambeau_engine_queue_depth', { model: 'local-chat' }), 0);
    const remaining = total(samples, 'flambeau_budget_remaining_usd', { scope: 'key', name: budgeted.id });
    assert.ok(Math.abs(remaining - (5 - cost)) < 1e-9, String(remaining));
    // Node's own process metrics.
    assert.ok(find(samples, 'process_cpu_seconds_total', {}).length === 1);
    assert.ok(find(samples, 'nodejs_eventloop_lag_seconds', {}).length === 1);
  });

  it('needs the master key or a key with the metrics endpoint; a scrape is not recorded', async () => {
    assert.equal((await scrape({})).status, 401);
    assert.equal((await scrape({ authorization: 'Bearer flm_000000000000_wrong' })).status, 401);
    const chatOnly = await newKey({ name: 'chat-only', endpoints: ['chat'] });
    const refused = await scrape({ authorization: `Bearer ${chatOnly.key}` });
    assert.equal(refused.status, 403);
    assert.equal((JSON.parse(refused.text) as { error: { code: string } }).error.code, 'forbidden');
    const scraper = await newKey({ name: 'scraper', endpoints: ['metrics'] });
    assert.equal((await scrape({ authorization: `Bearer ${scraper.key}` })).status, 200);
    const post = await request(`${gw.url}/metrics`, { method: 'POST', headers: { authorization: `Bearer ${gw.key}` } });
    assert.equal(post.statusCode, 405);
    assert.equal(post.headers.allow, 'GET');
    await post.body.dump();
    const before = total(parseExposition((await scrape()).text), 'flambeau_requests_total', {});
    await scrape();
    assert.equal(total(parseExposition((await scrape()).text), 'flambeau_requests_total', {}), before);
  });
});

describe('metrics settings', () => {
  it('metrics.public_on_loopback lets a local scraper in without a key; a key that is sent is still checked', async () => {
    await using gw = await startTestGateway({ metrics: { public_on_loopback: true } });
    const open = await request(`${gw.url}/metrics`);
    assert.equal(open.statusCode, 200);
    assert.match(await open.body.text(), /flambeau_requests_total|process_cpu_seconds_total/);
    const wrong = await request(`${gw.url}/metrics`, { headers: { authorization: 'Bearer flm_000000000000_wrong' } });
    assert.equal(wrong.statusCode, 401);
    await wrong.body.dump();
  });

  it('metrics.enabled: false turns the endpoint off', async () => {
    await using gw = await startTestGateway({ metrics: { enabled: false } });
    const res = await request(`${gw.url}/metrics`, { headers: { authorization: `Bearer ${gw.key}` } });
    assert.equal(res.statusCode, 404);
    await res.body.dump();
  });
});
