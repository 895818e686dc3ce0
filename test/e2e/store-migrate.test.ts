import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { stringify } from 'yaml';
import { loadConfig } from '../../src/config/load-config.js';
import { createEvalStore } from '../../src/eval/eval-store.js';
import { silentLogger } from '../../src/log/logger.js';
import { startGateway, type GatewayHandle } from '../../src/main.js';
import { createVersionRegistry } from '../../src/models/versions/version-registry.js';
import { createShadowStore } from '../../src/shadow/shadow-store.js';
import { openPgClient, openStore } from '../../src/store/store.js';
import { freshPgDatabase } from '../helpers/pg-database.js';
import { runCli } from '../helpers/run-cli.js';
import { startStandInCloud, type StandInCloud } from '../helpers/stand-in-cloud.js';

const MASTER = 'flm-test-master-key-0123456789';

/** A gateway on `home` through the real config loader; `storeUrl` set: on PostgreSQL. */
async function start(home: string, cloud: StandInCloud, storeUrl: string | null): Promise<GatewayHandle> {
  const configPath = join(home, 'flambeau.yaml');
  writeFileSync(
    configPath,
    stringify({
      providers: [{ id: 'cloud', type: 'openai-compatible', base_url: cloud.openaiBaseUrl, locality: 'cloud' }],
      models: [{ name: 'cloud-small', provider: 'cloud', model: 'small-1', price: { input_per_mtok: 1000, output_per_mtok: 2000 } }],
      ...(storeUrl === null ? {} : { store: { url: 'env:DATABASE_URL' } }),
    }),
  );
  const config = loadConfig({
    configPath,
    home,
    flags: { port: '0', host: '127.0.0.1' },
    env: { FLAMBEAU_MASTER_KEY: MASTER, ...(storeUrl === null ? {} : { DATABASE_URL: storeUrl }) },
    cwd: home,
  });
  return startGateway(config, { logger: silentLogger, drainMs: 1_000 });
}

async function call(gw: GatewayHandle, method: string, path: string, key: string, body?: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const response = await fetch(`${gw.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

describe('flambeau store migrate (SQLite home → PostgreSQL)', () => {
  let home: string;
  let cloud: StandInCloud;
  let database: Awaited<ReturnType<typeof freshPgDatabase>>;
  before(async () => {
    home = mkdtempSync(join(tmpdir(), 'flambeau-migrate-'));
    cloud = await startStandInCloud();
    cloud.setDefault({ kind: 'echo' });
    database = await freshPgDatabase('flambeau_migrate');
  });
  after(async () => {
    await cloud.close();
    await database.drop();
    rmSync(home, { recursive: true, force: true });
  });

  it('copies keys, usage, the audit chain, the request log, versions, responses, evals and shadow, and a gateway carries on from there', async () => {
    // A single-machine home with some history.
    const sqliteGateway = await start(home, cloud, null);
    let token: string;
    let responseId: string;
    let cookie = '';
    try {
      const created = await call(sqliteGateway, 'POST', '/admin/keys', MASTER, { name: 'app', team: 'research', budget: { usd: 100, period: 'month' } });
      assert.equal(created.status, 201);
      token = created.json.key as string;
      for (const text of ['one', 'two', 'three']) {
        const chat = await call(sqliteGateway, 'POST', '/v1/chat/completions', token, { model: 'cloud-small', messages: [{ role: 'user', content: text }] });
        assert.equal(chat.status, 200);
      }
      const stored = await call(sqliteGateway, 'POST', '/v1/responses', token, { model: 'cloud-small', input: 'remember me' });
      assert.equal(stored.status, 200);
      responseId = stored.json.id as string;
      const signIn = await fetch(`${sqliteGateway.url}/ui/session`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ key: token }),
      });
      assert.equal(signIn.status, 200);
      cookie = /flambeau_session=([^;]*)/.exec(signIn.headers.get('set-cookie') ?? '')?.[1] ?? '';
    } finally {
      await sqliteGateway.close();
    }
    const local = openStore(join(home, 'flambeau.db'));
    try {
      const versions = createVersionRegistry(local.sql);
      await versions.add('mine', 'a'.repeat(64), { context: 512 });
      await versions.add('mine', 'b'.repeat(64));
      await versions.promote('mine', 2, { canaryPercent: 10 });
      await createEvalStore(local.sql).save({
        id: 'ev_copied',
        kind: 'eval',
        source: 'builtin:smoke',
        suiteSha256: null,
        models: ['cloud-small'],
        judge: null,
        startedAt: Date.now() - 1000,
        finishedAt: Date.now(),
        cases: 0,
        includeContent: false,
        results: [],
      });
      await createShadowStore(local.sql).insert({
        createdAt: Date.now(),
        rule: 'r1',
        route: 'auto',
        localModel: 'mine',
        referenceModel: 'cloud-small',
        servedModel: 'cloud-small',
        outcome: 'agree',
        agreement: 0.9,
        method: 'text',
        judgeVerdict: null,
        judgeReason: null,
        localAsGood: true,
        localLatencyMs: 10,
        referenceLatencyMs: 20,
        localCostUsd: null,
        referenceCostUsd: 0.001,
        shadowCostUsd: 0.0001,
        errorCode: null,
        features: null,
        localText: null,
        referenceText: null,
      });
    } finally {
      await local.close();
    }

    // The copy, verified there.
    const migrated = await runCli(['store', 'migrate', '--from', home, '--to', database.url, '--json']);
    assert.equal(migrated.code, 0, migrated.stderr);
    const report = JSON.parse(migrated.stdout) as { copied: Record<string, number>; audit: { ok: boolean; count: number } };
    assert.deepEqual(
      [report.copied.api_keys, report.copied.teams, report.copied.usage_log, report.copied.request_log, report.copied.stored_responses],
      [1, 1, 4, 4, 1],
    );
    assert.deepEqual(
      [report.copied.model_versions, report.copied.model_pointers, report.copied.eval_runs, report.copied.shadow_comparisons, report.copied.ui_sessions],
      [2, 1, 1, 1, 1],
    );
    assert.equal(report.audit.ok, true);
    assert.equal(report.audit.count, report.copied.audit_log);
    assert.ok(report.audit.count >= 5, 'the key creation and the four requests');
    // A second copy into the same store is refused: it would fork the chain and double the spend.
    const again = await runCli(['store', 'migrate', '--from', home, '--to', database.url]);
    assert.notEqual(again.code, 0);
    assert.match(again.stderr, /already holds rows/);

    // The same home on PostgreSQL: the key, its spend, the stored response and the runs are there.
    const pgGateway = await start(home, cloud, database.url);
    try {
      const chat = await call(pgGateway, 'POST', '/v1/chat/completions', token, { model: 'cloud-small', messages: [{ role: 'user', content: 'four' }] });
      assert.equal(chat.status, 200);
      const usage = await call(pgGateway, 'GET', '/admin/usage?by=key', MASTER);
      assert.equal((usage.json.total as { requests: number }).requests, 5);
      assert.equal((await call(pgGateway, 'GET', `/v1/responses/${responseId}`, token)).status, 200);
      // The dashboard session opened on the SQLite home goes on after the move.
      const session = await fetch(`${pgGateway.url}/ui/session`, { headers: { cookie: `flambeau_session=${cookie}` } });
      assert.equal(session.status, 200);
      assert.equal(((await session.json()) as { name: string }).name, 'app');
      const runs = await call(pgGateway, 'GET', '/admin/evals', MASTER);
      assert.deepEqual(
        (runs.json.data as { id: string }[]).map((r) => r.id),
        ['ev_copied'],
      );
      assert.deepEqual(
        (await pgGateway.requestLog.recent(10)).map((r) => r.status),
        [200, 200, 200, 200, 200],
      );
    } finally {
      await pgGateway.close();
    }
    const pg = openPgClient(database.url);
    try {
      const live = await createVersionRegistry(pg).live();
      assert.deepEqual(live.get('mine')?.pointer.canary, 2);
    } finally {
      await pg.close();
    }

    // The CLIs that read the store in-process read PostgreSQL once store.url says so.
    const env = { FLAMBEAU_STORE_URL: database.url };
    const verified = await runCli(['audit', 'verify', '--home', home], { env });
    assert.equal(verified.code, 0, verified.stderr + verified.stdout);
    assert.match(verified.stdout, /^OK: \d+ records; head \d+:[0-9a-f]{64}; keyed from record 1, head file matches, usage rows agree$/m);
    const shadow = await runCli(['shadow', 'report', '--home', home, '--json'], { env });
    assert.equal(shadow.code, 0, shadow.stderr);
    assert.match(shadow.stdout, /"comparisons": 1/);
  });
});
