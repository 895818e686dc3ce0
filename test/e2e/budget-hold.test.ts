import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import OpenAI from 'openai';
import { request } from 'undici';
import type { Logger } from '../../src/log/logger.js';
import { startStandInCloud, type StandInCloud } from '../helpers/stand-in-cloud.js';
import { startTestGateway, type TestGateway } from '../helpers/start-gateway.js';

/** The setup: 1000 USD per million tokens both ways, so one token costs 0.001 USD. */
const PRICEY = { input_per_mtok: 1000, output_per_mtok: 1000 };

describe('the budget hold bounds everything forwarded (issue 11, item 2)', () => {
  let cloud: StandInCloud;
  let gw: TestGateway;
  const logged: { level: string; message: string; fields: Record<string, unknown> }[] = [];
  const capture =
    (level: string) =>
    (message: string, fields: Record<string, unknown> = {}) =>
      void logged.push({ level, message, fields });
  const logger: Logger = { debug: capture('debug'), info: capture('info'), warn: capture('warn'), error: capture('error') };

  const newKey = async (budgetUsd: number): Promise<{ id: string; key: string }> => {
    const res = await request(`${gw.url}/admin/keys`, {
      method: 'POST',
      headers: { authorization: `Bearer ${gw.key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: `budget-${budgetUsd}`, budget: { usd: budgetUsd, period: 'day' } }),
    });
    assert.equal(res.statusCode, 201);
    return (await res.body.json()) as { id: string; key: string };
  };
  const clientFor = (key: string) => new OpenAI({ baseURL: gw.baseURL, apiKey: key, maxRetries: 0 });
  const refusedForBudget = (error: unknown) => error instanceof OpenAI.APIError && error.status === 402 && error.code === 'budget_exhausted';

  before(async () => {
    cloud = await startStandInCloud();
    gw = await startTestGateway(
      {
        providers: [{ id: 'cloud', type: 'openai-compatible', base_url: cloud.openaiBaseUrl, locality: 'cloud' }],
        models: [{ name: 'cloud-pricey', provider: 'cloud', model: 'pricey-1', price: PRICEY }],
        routing: { retries: 0, health_interval_ms: 0 },
      },
      { logger },
    );
  });
  after(async () => {
    await gw.close();
    await cloud.close();
  });
  beforeEach(() => {
    cloud.reset();
    logged.length = 0;
  });

  it("the issue's reproduction: a 40,000-character data URL with max_tokens 1 on a 0.01 USD/day key is refused before the upstream", async () => {
    const { key } = await newKey(0.01);
    const image = `data:image/png;base64,${'A'.repeat(40_000 - 'data:image/png;base64,'.length)}`;
    await assert.rejects(
      clientFor(key).chat.completions.create({
        model: 'cloud-pricey',
        max_tokens: 1,
        messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: image } }] }],
      }),
      refusedForBudget,
    );
    assert.equal(cloud.requests.length, 0, 'nothing reached the upstream');
  });

  it('refuses a 40 KB message name, a long tool description and a 40 KB unknown field that chars/4 would have let through', async () => {
    // 1 USD a day holds 1,000 tokens at this price: "hi" fits; each request below does not.
    const { key } = await newKey(1);
    const client = clientFor(key);
    const ok = await client.chat.completions.create({ model: 'cloud-pricey', max_tokens: 1, messages: [{ role: 'user', content: 'hi' }] });
    assert.ok(ok.choices[0]?.message.content);
    cloud.reset();

    await assert.rejects(
      client.chat.completions.create({ model: 'cloud-pricey', max_tokens: 1, messages: [{ role: 'user', content: 'hi', name: 'n'.repeat(40_000) }] }),
      refusedForBudget,
    );
    // 3,000 "€" are 750 tokens at 4 characters a token, but 9,000 UTF-8 bytes, and a tokenizer may spend a token on each byte.
    const tools: OpenAI.ChatCompletionTool[] = [
      { type: 'function', function: { name: 'lookup', description: '€'.repeat(3_000), parameters: { type: 'object' } } },
    ];
    await assert.rejects(
      client.chat.completions.create({ model: 'cloud-pricey', max_tokens: 1, tools, messages: [{ role: 'user', content: 'hi' }] }),
      refusedForBudget,
    );
    const res = await request(`${gw.baseURL}/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        model: 'cloud-pricey',
        max_tokens: 1,
        messages: [{ role: 'user', content: 'hi' }],
        prediction: { type: 'content', content: 'x'.repeat(40_000) },
      }),
    });
    assert.equal(res.statusCode, 402);
    assert.equal(((await res.body.json()) as { error: { code: string } }).error.code, 'budget_exhausted');
    assert.equal(cloud.requests.length, 0, 'nothing reached the upstream');
  });

  it('answers 400, not 500, for a field nested too deeply to be priced or sent', async () => {
    const { key } = await newKey(100);
    const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    for (const body of [
      `{"model":"cloud-pricey","max_tokens":1,"messages":[{"role":"user","content":"hi"}],"metadata_x":${deep}}`,
      `{"model":"cloud-pricey","max_tokens":1,"messages":[{"role":"user","content":"hi"}],"tools":[{"type":"function","function":{"name":"t","parameters":{"x":${deep}}}}]}`,
    ]) {
      const res = await request(`${gw.baseURL}/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body,
      });
      assert.equal(res.statusCode, 400);
      assert.equal(((await res.body.json()) as { error: { code: string } }).error.code, 'invalid_request');
    }
    assert.equal(cloud.requests.length, 0);
  });

  it('holds embeddings by their bytes, not chars/4', async () => {
    const { key } = await newKey(1);
    await assert.rejects(clientFor(key).embeddings.create({ model: 'cloud-pricey', input: '€'.repeat(3_000) }), refusedForBudget);
    assert.equal(cloud.requests.length, 0, 'nothing reached the upstream');
    const ok = await clientFor(key).embeddings.create({ model: 'cloud-pricey', input: 'hello world' });
    assert.equal(ok.data.length, 1);
  });

  it('logs and audits a cost over the hold as an accounting anomaly, without text', async () => {
    const { id, key } = await newKey(100);
    // An upstream that ignores max_tokens: 400 tokens billed where 1 was allowed (the input bound has ~100 tokens of slack).
    cloud.script({ kind: 'reply', text: Array.from({ length: 400 }, (_, i) => `secretword${i}`).join(' ') });
    const answer = await clientFor(key)
      .chat.completions.create({ model: 'cloud-pricey', max_tokens: 1, messages: [{ role: 'user', content: 'hi' }] })
      .withResponse();
    const requestId = answer.response.headers.get('x-request-id');
    assert.equal(answer.data.usage?.completion_tokens, 400);
    const anomalies = logged.filter((line) => /accounting anomaly/.test(line.message));
    assert.equal(anomalies.length, 1);
    const fields = anomalies[0]?.fields ?? {};
    assert.equal(fields.requestId, requestId);
    assert.equal(fields.keyId, id);
    assert.ok(typeof fields.heldUsd === 'number' && typeof fields.actualUsd === 'number' && fields.actualUsd > fields.heldUsd, JSON.stringify(fields));
    assert.doesNotMatch(JSON.stringify(anomalies), /secretword|"hi"/);
    await gw.gateway.flushRecords();
    const rows = gw.gateway.store.db.prepare("SELECT body FROM audit_log WHERE type = 'accounting'").pluck().all() as string[];
    assert.equal(rows.length, 1);
    const event = (JSON.parse(rows[0] as string) as { event: Record<string, unknown> }).event;
    assert.deepEqual(
      { ...event, heldUsd: undefined, costUsd: undefined },
      { type: 'accounting', anomaly: 'cost_over_hold', requestId, actor: { kind: 'key', keyId: id, team: null }, heldUsd: undefined, costUsd: undefined },
    );
    assert.equal(event.costUsd, fields.actualUsd);
    assert.equal(event.heldUsd, fields.heldUsd);
  });

  it('an ordinary request stays within its hold: no anomaly', async () => {
    const { key } = await newKey(100);
    await clientFor(key).chat.completions.create({
      model: 'cloud-pricey',
      max_tokens: 50,
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'What is the capital of France?' },
      ],
    });
    assert.deepEqual(
      logged.filter((line) => /accounting anomaly/.test(line.message)),
      [],
    );
  });
});
