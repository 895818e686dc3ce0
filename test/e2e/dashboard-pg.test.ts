import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { createShadowStore } from '../../src/shadow/shadow-store.js';
import { openPgClient, openStore } from '../../src/store/store.js';
import { freshPgDatabase } from '../helpers/pg-database.js';
import { sessionCookieOf } from '../helpers/dashboard-world.js';
import { startStandInCloud, type StandInCloud } from '../helpers/stand-in-cloud.js';
import { startTestGateway, type TestGateway } from '../helpers/start-gateway.js';

// The dashboard's endpoints on a gateway whose state is in PostgreSQL (FLAMBEAU_STORE_URL on a
// fresh database): the counts move with the requests, as they do on SQLite, and they come from
// PostgreSQL (HOME/flambeau.db holds no usage, request log or audit row).

let cloud: StandInCloud;
let gw: TestGateway;
let database: { url: string; drop(): Promise<void> };

before(async () => {
  cloud = await startStandInCloud();
  database = await freshPgDatabase('dashboard_e2e');
  gw = await startTestGateway(
    {
      providers: [
        { id: 'office', type: 'openai-compatible', base_url: cloud.openaiBaseUrl, locality: 'lan' },
        { id: 'cloud', type: 'openai-compatible', base_url: cloud.openaiBaseUrl, locality: 'cloud' },
      ],
      models: [
        { name: 'office-chat', provider: 'office', model: 'office-upstream' },
        { name: 'cloud-big', provider: 'cloud', model: 'cloud-upstream', price: { input_per_mtok: 3, output_per_mtok: 15 } },
      ],
      routes: [{ name: 'default', to: ['office-chat', 'cloud-big'] }],
      privacy: { cloud: 'redact' },
    },
    { env: { FLAMBEAU_STORE_URL: database.url } },
  );
});
after(async () => {
  await gw?.close();
  await cloud?.close();
  await database?.drop();
});

const admin = async <T>(path: string, init: { method?: string; body?: unknown } = {}): Promise<T> => {
  const response = await fetch(`${gw.url}${path}`, {
    method: init.method ?? 'GET',
    headers: { authorization: `Bearer ${gw.key}`, 'content-type': 'application/json' },
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
  });
  assert.equal(response.status, init.method === 'POST' ? 201 : 200, `${path}: ${response.status}`);
  return (await response.json()) as T;
};

const chat = (key: string, content: string, model = 'auto', stream = false) =>
  fetch(`${gw.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model, stream, messages: [{ role: 'user', content }] }),
  });

/** The overview once `ready` holds for it (a failed request's record lands as its response closes), at most 100 reads apart by 20 ms. */
async function overviewOnce(ready: (o: Overview) => boolean): Promise<Overview> {
  let o = await admin<Overview>('/admin/dashboard/overview?window=1h');
  for (let i = 0; i < 100 && !ready(o); i++) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    o = await admin<Overview>('/admin/dashboard/overview?window=1h');
  }
  return o;
}

interface Overview {
  totals: { requests: number; errors: number; inputTokens: number; outputTokens: number };
  by_locality: Record<string, number>;
  local_share: number | null;
  cost_avoided: { usd: number; byRoute: { route: string; model: string; usd: number }[] };
  latency_ms: { p50: number | null; p95: number | null };
  ttft_ms: { p50: number | null; p95: number | null };
  errors_by_code: { code: string; count: number }[];
  series: { requests: number }[];
}

describe('dashboard on PostgreSQL (store.url)', () => {
  let alice: { id: string; key: string };

  it('starts with empty counts, then counts requests, locality, tokens, cost avoided, latency and errors', async () => {
    const empty = await admin<Overview>('/admin/dashboard/overview?window=1h');
    assert.equal(empty.totals.requests, 0);
    assert.equal(empty.local_share, null);

    // A failed call is recorded when its response closes (settleClosed), just after the client has it.
    cloud.script({ kind: 'fail', status: 400, message: 'upstream refuses' });
    const failed = await chat(gw.key, 'Hello?', 'cloud-big');
    assert.equal(failed.status, 502);
    await failed.text();
    for (let i = 0; i < 2; i++) assert.equal((await chat(gw.key, 'Say hello.')).status, 200);
    const streamed = await chat(gw.key, 'Say hello slowly.', 'auto', true);
    assert.equal(streamed.status, 200);
    await streamed.text();
    assert.equal((await chat(gw.key, 'Write to jeanne.morel@example.fr about the meeting.', 'cloud-big')).status, 200);

    const o = await overviewOnce((x) => x.totals.requests === 5);
    assert.equal(o.totals.requests, 5);
    assert.equal(o.totals.errors, 1);
    assert.deepEqual(o.by_locality, { lan: 3, cloud: 2 });
    assert.equal(o.local_share, 3 / 5);
    assert.ok(o.totals.inputTokens > 0 && o.totals.outputTokens > 0);
    assert.equal(
      o.series.reduce((s, p) => s + p.requests, 0),
      5,
    );
    const avoided = o.cost_avoided.byRoute.find((r) => r.route === 'default');
    assert.equal(avoided?.model, 'cloud-big');
    assert.ok((avoided?.usd ?? 0) > 0);
    assert.ok(o.latency_ms.p50 !== null && o.latency_ms.p95 !== null && o.latency_ms.p50 <= o.latency_ms.p95);
    assert.ok(o.ttft_ms.p50 !== null, 'the streamed answer has a time to first token (request log)');
    assert.deepEqual(
      o.errors_by_code.map((e) => [e.code, e.count]),
      [['upstream_failed', 1]],
    );
  });

  it('privacy counts the finding by type and action, never its value', async () => {
    const text = await (await fetch(`${gw.url}/admin/dashboard/privacy?window=1h`, { headers: { authorization: `Bearer ${gw.key}` } })).text();
    assert.ok(!text.includes('jeanne.morel'));
    const p = JSON.parse(text) as { findings: { type: string; action: string; count: number }[]; requests: number; blocked: number };
    assert.deepEqual(p.findings, [{ type: 'EMAIL', action: 'redact', count: 1 }]);
    assert.equal(p.blocked, 0);
  });

  it('routing gives decisions by rule and target from the audit chain', async () => {
    const r = await admin<{
      decisions: { route: string | null; provider: string | null; locality: string | null; requests: number; errors: number; fallback: boolean }[];
    }>('/admin/dashboard/routing?window=1h');
    const rows = r.decisions.map((d) => [d.route, d.provider, d.locality, d.requests, d.fallback]);
    assert.deepEqual(rows, [
      ['default', 'office', 'lan', 3, false],
      ['explicit', 'cloud', 'cloud', 2, false],
    ]);
    assert.equal(r.decisions.find((d) => d.route === 'explicit')?.errors, 1);
  });

  it("keys show spend, and a key's own overview counts its requests only", async () => {
    alice = await admin<{ id: string; key: string }>('/admin/keys', { method: 'POST', body: { name: 'alice' } });
    assert.equal((await chat(alice.key, 'Hello from alice', 'cloud-big')).status, 200);
    const k = await admin<{ keys: { id: string; name: string; spend: { spent_usd: number } }[] }>('/admin/dashboard/keys');
    const row = k.keys.find((x) => x.id === alice.id);
    assert.ok(row !== undefined && row.spend.spent_usd > 0, 'the cloud answer was priced and spent on the key');

    const signIn = await fetch(`${gw.url}/ui/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ key: alice.key }),
    });
    assert.equal(signIn.status, 200);
    const cookie = sessionCookieOf(signIn);
    assert.ok(cookie !== null);
    const own = (await (await fetch(`${gw.url}/ui/own/overview?window=1h`, { headers: { cookie } })).json()) as Overview;
    assert.equal(own.totals.requests, 1);
    assert.deepEqual(own.by_locality, { cloud: 1 });
    const all = await admin<Overview>('/admin/dashboard/overview?window=1h');
    assert.equal(all.totals.requests, 6);
  });

  it('the last audit records come from PostgreSQL, newest first, and the chain verifies', async () => {
    const a = await admin<{ data: { seq: number; type: string; event: { requestId?: string; action?: string } }[] }>('/admin/audit/records?limit=3');
    assert.equal(a.data.length, 3);
    assert.deepEqual(
      a.data.map((r) => r.seq),
      [...a.data.map((r) => r.seq)].sort((x, y) => y - x),
    );
    assert.equal(a.data[0]?.type, 'request');
    assert.equal((await admin<{ ok: boolean }>('/admin/audit/verify')).ok, true);
  });

  it('the Evaluations page reads shadow comparisons and eval runs from PostgreSQL', async () => {
    // As another instance would write it: straight into the shared store.
    const other = openPgClient(database.url);
    try {
      await createShadowStore(other).insert({
        createdAt: Date.now(),
        rule: 'lan-vs-cloud',
        route: 'default',
        localModel: 'office-chat',
        referenceModel: 'cloud-big',
        servedModel: 'office-chat',
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
        shadowCostUsd: 0.001,
        errorCode: null,
        features: null,
        localText: null,
        referenceText: null,
      });
    } finally {
      await other.close();
    }
    const shadow = await admin<{ data: { route: string }[] }>('/admin/dashboard/shadow');
    assert.equal(shadow.data.length, 1);
    assert.equal(shadow.data[0]?.route, 'default');
    assert.deepEqual((await admin<{ data: unknown[] }>('/admin/evals')).data, []);
  });

  it('reads rows that are in PostgreSQL and not in the SQLite file', async () => {
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    try {
      const count = async (table: string) => Number((await client.query(`SELECT COUNT(*) AS n FROM ${table}`)).rows[0].n);
      assert.equal(await count('usage_log'), 6);
      assert.equal(await count('request_log'), 6);
      assert.equal(await count('audit_log'), 7, 'six requests and the key creation');
    } finally {
      await client.end();
    }
    const file = openStore(join(gw.home, 'flambeau.db'));
    try {
      for (const table of ['usage_log', 'request_log', 'audit_log'])
        assert.equal((await file.sql.get<{ n: number }>(`SELECT COUNT(*) AS n FROM ${table}`))?.n, 0);
    } finally {
      await file.close();
    }
  });

  it('a session opened on one instance works on another on the same store, and signing out there ends it on both', async () => {
    const key = await admin<{ id: string; key: string }>('/admin/keys', { method: 'POST', body: { name: 'roaming' } });
    // A second instance on the same PostgreSQL, with its own home and the audit key instances share.
    const other = await startTestGateway(
      {
        providers: [{ id: 'cloud', type: 'openai-compatible', base_url: cloud.openaiBaseUrl, locality: 'cloud' }],
        models: [{ name: 'cloud-big', provider: 'cloud', model: 'cloud-upstream' }],
      },
      { env: { FLAMBEAU_STORE_URL: database.url }, homeFiles: { 'audit.key': readFileSync(join(gw.home, 'audit.key')) } },
    );
    try {
      const signIn = await fetch(`${gw.url}/ui/session`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ key: key.key }),
      });
      assert.equal(signIn.status, 200);
      const cookie = sessionCookieOf(signIn);
      assert.ok(cookie !== null);
      const there = await fetch(`${other.url}/ui/session`, { headers: { cookie } });
      assert.equal(there.status, 200);
      const session = (await there.json()) as { name: string; key_id: string; csrf_token: string };
      assert.deepEqual([session.name, session.key_id], ['roaming', key.id]);
      // The other instance proxies the dashboard's API calls with the session's key too.
      const models = await fetch(`${other.url}/ui/api/v1/models`, { headers: { cookie } });
      assert.equal(models.status, 200);
      const out = await fetch(`${other.url}/ui/session`, { method: 'DELETE', headers: { cookie, 'x-flambeau-csrf': session.csrf_token } });
      assert.equal(out.status, 200);
      assert.equal((await fetch(`${gw.url}/ui/session`, { headers: { cookie } })).status, 401);
    } finally {
      await other.close();
    }
  });
});
