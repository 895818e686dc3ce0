import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import OpenAI from 'openai';
import { request } from 'undici';
import { startStandInCloud, type StandInCloud } from '../helpers/stand-in-cloud.js';
import { startTestGateway, type TestGateway } from '../helpers/start-gateway.js';

/** An IBAN-like string a caller put in a model name: it must never land raw in the database. */
const IBAN = 'DE89370400440532013000';

describe('client strings that are stored are bounded, unknown model names never stored raw (issue 11, item 4)', () => {
  let cloud: StandInCloud;
  let gw: TestGateway;
  let client: OpenAI;

  /** Every byte the database holds now: the main file and its write-ahead log. */
  const databaseBytes = (): string =>
    ['flambeau.db', 'flambeau.db-wal']
      .map((name) => {
        try {
          return readFileSync(join(gw.home, name)).toString('latin1');
        } catch {
          return '';
        }
      })
      .join('');
  const post = async (path: string, body: unknown, key = gw.key) => {
    const res = await request(`${gw.baseURL}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: res.statusCode, body: (await res.body.json()) as { error?: { code: string; param: string | null; type: string } } };
  };

  before(async () => {
    cloud = await startStandInCloud();
    gw = await startTestGateway({
      providers: [{ id: 'cloud', type: 'openai-compatible', base_url: cloud.openaiBaseUrl, locality: 'cloud' }],
      models: [{ name: 'cloud-small', provider: 'cloud', model: 'small-1' }],
      routing: { retries: 0, health_interval_ms: 0 },
    });
    client = new OpenAI({ baseURL: gw.baseURL, apiKey: gw.key, maxRetries: 0 });
  });
  after(async () => {
    await gw.close();
    await cloud.close();
  });

  it('refuses a model name over 256 characters with 400 invalid_request, param model, on every endpoint that takes one', async () => {
    const long = 'm'.repeat(300);
    await assert.rejects(
      client.chat.completions.create({ model: long, messages: [{ role: 'user', content: 'hi' }] }),
      (e: unknown) => e instanceof OpenAI.BadRequestError && e.code === 'invalid_request' && e.param === 'model',
    );
    await assert.rejects(client.embeddings.create({ model: long, input: 'hi' }), (e: unknown) => e instanceof OpenAI.BadRequestError && e.param === 'model');
    const explained = await post('/route/explain', { model: long, messages: [{ role: 'user', content: 'hi' }] });
    assert.equal(explained.status, 400);
    assert.deepEqual([explained.body.error?.code, explained.body.error?.param], ['invalid_request', 'model']);
    // 256 is still a name (unknown here: 404).
    await assert.rejects(
      client.chat.completions.create({ model: 'm'.repeat(256), messages: [{ role: 'user', content: 'hi' }] }),
      (e: unknown) => e instanceof OpenAI.NotFoundError,
    );
    assert.ok(!databaseBytes().includes('m'.repeat(257)));
  });

  it('stores an unknown or refused model name, and an unknown path, as a label: the IBAN is nowhere in the SQLite file', async () => {
    const scoped = await request(`${gw.url}/admin/keys`, {
      method: 'POST',
      headers: { authorization: `Bearer ${gw.key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'scoped', models: ['cloud-small'] }),
    });
    const { key } = (await scoped.body.json()) as { key: string };
    const db = gw.gateway.store.db;
    // The earlier tests' records still in the journal go in first, or they would land after `since` (decision 0019).
    await gw.gateway.flushRecords();
    const since = db.prepare('SELECT COALESCE(MAX(seq), 0) FROM audit_log').pluck().get() as number;
    const name = `iban-${IBAN}`;
    await assert.rejects(
      client.chat.completions.create({ model: name, messages: [{ role: 'user', content: 'hi' }] }),
      (e: unknown) => e instanceof OpenAI.NotFoundError,
    );
    await assert.rejects(client.embeddings.create({ model: name, input: 'hi' }), (e: unknown) => e instanceof OpenAI.NotFoundError);
    assert.equal((await post('/chat/completions', { model: name, messages: [{ role: 'user', content: 'hi' }] }, key)).status, 403);
    const path = await request(`${gw.baseURL}/${IBAN}`, { headers: { authorization: `Bearer ${gw.key}` } });
    assert.equal(path.statusCode, 404);
    await path.body.dump();
    const model = await request(`${gw.baseURL}/models/${IBAN}`, { headers: { authorization: `Bearer ${gw.key}` } });
    assert.equal(model.statusCode, 404);
    await model.body.dump();
    // A served name is kept as it is.
    await client.chat.completions.create({ model: 'cloud-small', messages: [{ role: 'user', content: 'hi' }] });
    // Read from the file: the records still in the journal first (decision 0019).
    await gw.gateway.flushRecords();

    const audited = db
      .prepare(
        "SELECT json_extract(body, '$.event.model') AS model, json_extract(body, '$.event.endpoint') AS endpoint FROM audit_log WHERE type = 'request' AND seq > ?",
      )
      .all(since) as { model: string | null; endpoint: string }[];
    const labels = audited.filter((r) => r.model !== null && r.model !== 'cloud-small').map((r) => r.model);
    assert.ok(labels.length >= 3, JSON.stringify(audited));
    for (const label of labels) assert.match(label as string, /^(hmac|sha256):[0-9a-f]{12}$/);
    assert.equal(new Set(labels).size, 1, 'one name, one label: refused calls stay traceable');
    assert.ok(audited.some((r) => r.model === 'cloud-small'));
    assert.ok(audited.some((r) => r.endpoint === '/v1/models/{model}'));
    assert.ok(
      audited.some((r) => /^(hmac|sha256):[0-9a-f]{12}$/.test(r.endpoint)),
      'an unknown path is a label',
    );
    const usageModels = db.prepare('SELECT model FROM usage_log').pluck().all() as (string | null)[];
    assert.ok(usageModels.includes(labels[0] as string));
    assert.ok(!databaseBytes().includes(IBAN), 'the IBAN is in the SQLite file');
  });
});
