// Two real gateways on one home's SQLite file (decision 0020): the first, alone, holds budgets in
// memory; the second joins while the first has calls in flight, and the two never spend more than
// the key's budget between them.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import OpenAI from 'openai';
import { request } from 'undici';
import { stringify } from 'yaml';
import { loadConfig } from '../../src/config/load-config.js';
import { silentLogger } from '../../src/log/logger.js';
import { startGateway, type GatewayHandle } from '../../src/main.js';
import { startStandInCloud, type StandInCloud } from '../helpers/stand-in-cloud.js';
import { startTestGateway, TEST_MASTER_KEY, type TestGateway } from '../helpers/start-gateway.js';

/** Output only, 1000 USD per million tokens: a request with max_tokens N holds N × 0.001 USD. */
const PRICE = { input_per_mtok: 0, output_per_mtok: 1000 };

describe('two gateways on one SQLite home share a budget (e2e)', () => {
  let cloud: StandInCloud;
  let first: TestGateway;
  let second: GatewayHandle | undefined;
  const config = () => ({
    providers: [{ id: 'cloud', type: 'openai-compatible', base_url: cloud.openaiBaseUrl, locality: 'cloud' }],
    models: [{ name: 'cloud-priced', provider: 'cloud', model: 'priced-1', price: PRICE }],
    routing: { retries: 0, health_interval_ms: 0 },
  });
  /** Rows of `budget_reservations` and of `gateway_instances`, read on a connection of the test's own. */
  const store = () => {
    const db = new Database(join(first.home, 'flambeau.db'), { readonly: true });
    try {
      return {
        holds: (db.prepare('SELECT COUNT(*) AS n FROM budget_reservations').get() as { n: number }).n,
        modes: (db.prepare('SELECT mode FROM gateway_instances ORDER BY started_at').all() as { mode: string }[]).map((r) => r.mode),
      };
    } finally {
      db.close();
    }
  };

  before(async () => {
    cloud = await startStandInCloud();
    first = await startTestGateway(config());
  });
  after(async () => {
    await second?.close();
    await first.close();
    await cloud.close();
  });

  it('hands the holds in flight over to a second gateway, which then refuses what the budget no longer covers', async () => {
    const created = await request(`${first.url}/admin/keys`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TEST_MASTER_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'shared', budget: { usd: 1, period: 'day' } }),
    });
    assert.equal(created.statusCode, 201);
    const { key } = (await created.body.json()) as { key: string };
    const ask = (url: string, signal: AbortSignal) =>
      new OpenAI({ baseURL: `${url}/v1`, apiKey: key, maxRetries: 0 }).chat.completions.create(
        { model: 'cloud-priced', max_tokens: 300, messages: [{ role: 'user', content: 'hi' }] },
        { signal },
      );
    const refused = (error: unknown) => error instanceof OpenAI.APIError && error.status === 402 && error.code === 'budget_exhausted';

    // Two calls in flight on the first gateway, alone: 0.6 of 1 held in its memory, no row.
    cloud.setDefault({ kind: 'hang' });
    const stop = new AbortController();
    const inFlight = [ask(first.url, stop.signal), ask(first.url, stop.signal)].map((p) => p.catch(() => 'aborted'));
    await cloud.waitFor((r) => r.length === 2);
    assert.deepEqual(store(), { holds: 0, modes: ['memory'] });

    // A second gateway on the same home: it waits for the first to write its holds down.
    const home = first.home;
    const configPath = join(home, 'second.yaml');
    writeFileSync(configPath, stringify(config()));
    second = await startGateway(
      loadConfig({
        configPath,
        home,
        flags: { port: '0', host: '127.0.0.1' },
        modelPaths: [],
        env: { FLAMBEAU_MASTER_KEY: TEST_MASTER_KEY, FLAMBEAU_ENGINE_THREADS: '1', FLAMBEAU_ENGINE_GPU: 'false' },
        cwd: home,
      }),
      { logger: silentLogger, drainMs: 1_000 },
    );
    // One more call fits (0.9), through the second; a fourth does not, on either.
    const third = ask(second.url, stop.signal).catch(() => 'aborted');
    await cloud.waitFor((r) => r.length === 3);
    assert.deepEqual(store(), { holds: 3, modes: ['durable', 'durable'] });
    await assert.rejects(ask(second.url, new AbortController().signal), refused);
    await assert.rejects(ask(first.url, new AbortController().signal), refused);
    assert.equal(cloud.requests.length, 3, 'nothing more reached the upstream');

    // The calls end (the clients leave): their holds are released, on whichever gateway holds them.
    stop.abort();
    await Promise.all([...inFlight, third]);
    await cloud.waitFor((r) => r.every((x) => x.aborted));
    while (store().holds > 0) await new Promise((resolve) => setTimeout(resolve, 10));
    cloud.setDefault({ kind: 'reply', text: 'ok' });
    const granted = await new OpenAI({ baseURL: `${second.url}/v1`, apiKey: key, maxRetries: 0 }).chat.completions.create({
      model: 'cloud-priced',
      max_tokens: 900,
      messages: [{ role: 'user', content: 'hi' }],
    });
    assert.ok(granted.choices[0]?.message.content);

    // The second leaves: the first, alone again, goes back to memory.
    await second.close();
    second = undefined;
    while (store().modes.join() !== 'memory') await new Promise((resolve) => setTimeout(resolve, 10));
    assert.equal(store().holds, 0);
  });
});
