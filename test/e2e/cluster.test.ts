// Three real gateway processes (`flambeau serve`) sharing one store and one Redis, as a load
// balancer would put them: what one instance changes, the others apply; budgets hold across them;
// a killed instance loses no acknowledged request. The suite runs twice: on one PostgreSQL (a fresh
// database on 127.0.0.1:5432, passed to the processes as FLAMBEAU_STORE_URL, the `store.url`
// setting; what several hosts use) and on one home's SQLite file (instances on one host).
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import OpenAI from 'openai';
import { Redis } from 'ioredis';
import pg from 'pg';
import { createRedisClusterBus } from '../../src/cluster/index.js';
import { decodeClusterMessage } from '../../src/cluster/cluster-event.js';
import { inputTokenBound } from '../../src/gateway/usage-estimate.js';
import { openModelHome, type ModelHome } from '../../src/models/model-home.js';
import { openStore } from '../../src/store/store.js';
import { freshPgDatabase } from '../helpers/pg-database.js';
import { startStandInCloud, type StandInCloud } from '../helpers/stand-in-cloud.js';
import { CLI_ENTRY, runCli, TSX_LOADER } from '../helpers/run-cli.js';
import { startTestGateway } from '../helpers/start-gateway.js';
import { reachable } from '../helpers/reachable.js';
import { listeningUrl } from '../helpers/listening-url.js';

const MASTER = 'flm-cluster-test-master-key-0001';
const redisUrl = process.env.FLAMBEAU_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
/** How long an instance trusts a cached key or model pointer without an event (key-store.ts, main.ts). */
const CACHE_BOUND_MS = 10_000;
const redisUp = await reachable(new URL(redisUrl));
if (!redisUp && process.env.CI === 'true') throw new Error(`Redis is not reachable at ${redisUrl}; CI must run the cluster tests`);
const skip = redisUp ? false : `no Redis at ${redisUrl}`;

const user = (content: string): OpenAI.ChatCompletionMessageParam[] => [{ role: 'user', content }];
const sha = (text: string) => createHash('sha256').update(text).digest('hex');

interface Instance {
  url: string;
  child: ChildProcess;
  stderr: string[];
}

const STORES: { name: string; open(): Promise<{ url: string; drop(): Promise<void> } | null> }[] = [
  { name: 'PostgreSQL', open: () => freshPgDatabase('flambeau_cluster') },
  { name: "one home's SQLite file", open: async () => null },
];

for (const store of STORES)
  describe(`three instances on ${store.name} and one Redis (e2e)`, { skip }, () => {
    let database: { url: string; drop(): Promise<void> } | null = null;
    let storeUrl: string | undefined;
    let cloud: StandInCloud;
    let home: string;
    let config: string;
    let env: Record<string, string>;
    const instances: Instance[] = [];
    const namespace = `flambeau-e2e-${randomBytes(4).toString('hex')}`;

    const client = (i: number, key = MASTER) => new OpenAI({ baseURL: `${instances[i]!.url}/v1`, apiKey: key, maxRetries: 0 });
    const admin = async (i: number, method: string, path: string, body?: unknown) => {
      const res = await fetch(`${instances[i]!.url}${path}`, {
        method,
        headers: { authorization: `Bearer ${MASTER}`, 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      return { status: res.status, body: (await res.json()) as Record<string, any> };
    };
    /** The version that answered, from the `x-flambeau-model` header (`vm@v2`). */
    const versionVia = async (i: number) => {
      const { response } = await client(i)
        .chat.completions.create({ model: 'vm', messages: user('hi') })
        .withResponse();
      return response.headers.get('x-flambeau-model');
    };

    before(async () => {
      database = await store.open();
      storeUrl = database?.url;
      cloud = await startStandInCloud();
      home = mkdtempSync(join(tmpdir(), 'flambeau-cluster-'));
      config = join(home, 'flambeau.yaml');
      writeFileSync(
        config,
        [
          'providers:',
          `  - { id: cloud, type: openai-compatible, base_url: ${cloud.openaiBaseUrl}, locality: cloud }`,
          'models:',
          '  - { name: m, provider: cloud, model: small-1, max_tokens: 20, price: { input_per_mtok: 1, output_per_mtok: 1 } }',
          // A cloud model with versions in the registry: the upstream id names the version (vm@v2).
          '  - { name: vm, provider: cloud, model: vm }',
          '',
        ].join('\n'),
      );
      env = {
        FLAMBEAU_MASTER_KEY: MASTER,
        FLAMBEAU_CLUSTER_REDIS_URL: redisUrl,
        FLAMBEAU_CLUSTER_NAMESPACE: namespace,
        ...(storeUrl === undefined ? {} : { FLAMBEAU_STORE_URL: storeUrl }),
      };
      await withRegistry(home, storeUrl, async (registry) => {
        for (const n of [1, 2]) await registry.add('vm', sha(`vm v${n}`));
      });
      // The first instance creates the store; the two others start together against it.
      instances.push(await serve(config, home, env));
      instances.push(...(await Promise.all([serve(config, home, env), serve(config, home, env)])));
    });

    after(async () => {
      for (const instance of instances) if (instance.child.exitCode === null && instance.child.signalCode === null) instance.child.kill('SIGKILL');
      await cloud?.close();
      const redis = new Redis(redisUrl);
      const keys = await redis.keys(`${namespace}:*`);
      if (keys.length > 0) await redis.del(...keys);
      await redis.quit();
      rmSync(home, { recursive: true, force: true });
      await database?.drop();
    });

    it('a key revoked on one instance is refused by the others before their cache would expire', async (t) => {
      const made = await admin(0, 'POST', '/admin/keys', { name: 'roaming' });
      assert.equal(made.status, 201, JSON.stringify(made.body));
      const key = made.body.key as string;
      // Each instance verifies the key once: it is now cached there for CACHE_BOUND_MS.
      for (const i of [0, 1, 2]) await client(i, key).chat.completions.create({ model: 'm', messages: user('hi') });
      const cachedAt = Date.now();
      const revoked = await admin(0, 'DELETE', `/admin/keys/${made.body.id as string}`);
      assert.equal(revoked.status, 200, JSON.stringify(revoked.body));
      const revokedAt = Date.now();
      for (const i of [1, 2]) {
        let refused: InstanceType<typeof OpenAI.APIError> | undefined;
        while (refused === undefined) {
          try {
            await client(i, key).chat.completions.create({ model: 'm', messages: user('hi') });
          } catch (error) {
            refused = error as InstanceType<typeof OpenAI.APIError>;
          }
        }
        const seenAfterMs = Date.now() - revokedAt;
        t.diagnostic(`instance ${i + 1} refused the revoked key ${seenAfterMs} ms after the revocation`);
        assert.equal(refused.status, 401);
        assert.match(refused.message, /revoked/);
        assert.ok(Date.now() - cachedAt < CACHE_BOUND_MS, 'refused through the bus, not the cache expiry');
      }
    });

    it('a promote is served by every instance before their cached pointer would expire', async (t) => {
      for (const i of [0, 1, 2]) assert.equal(await versionVia(i), 'vm@v1');
      const cachedAt = Date.now();
      // What `flambeau models promote` does, in this process so that the clock starts at the change:
      // write the pointer to the shared store, then tell the cluster.
      await withRegistry(home, storeUrl, (registry) => registry.promote('vm', 2));
      const bus = await createRedisClusterBus({ url: redisUrl, namespace });
      try {
        await bus.publish({ type: 'model-changed', name: 'vm' });
      } finally {
        await bus.close();
      }
      const promotedAt = Date.now();
      for (const i of [0, 1, 2]) {
        while ((await versionVia(i)) !== 'vm@v2');
        t.diagnostic(`instance ${i + 1} served vm@v2 ${Date.now() - promotedAt} ms after the promote`);
        assert.ok(Date.now() - cachedAt < CACHE_BOUND_MS, 'changed through the bus, not the cache expiry');
      }
    });

    it('`flambeau models rollback` tells the cluster, and every instance serves the previous version again', async () => {
      const heard = await listening(namespace);
      try {
        const rolledBack = await runCli(['models', 'rollback', 'vm', '--home', home, '--config', config], { env });
        assert.equal(rolledBack.code, 0, rolledBack.stderr);
        assert.equal(rolledBack.stderr, '');
        assert.deepEqual(await heard.next, { type: 'model-changed', name: 'vm' });
      } finally {
        await heard.close();
      }
      for (const i of [0, 1, 2]) while ((await versionVia(i)) !== 'vm@v1');
    });

    it('--canary 10 sends 10% of the requests of all instances together to the canary', async () => {
      // The test listens on the cluster's channel as the instances do: once it has heard the
      // change, so have they (one Redis PUBLISH reaches every subscriber at once).
      const heard = await listening(namespace);
      try {
        const canary = await runCli(['models', 'promote', 'vm', '2', '--canary', '10', '--home', home, '--config', config], { env });
        assert.equal(canary.code, 0, canary.stderr);
        assert.deepEqual(await heard.next, { type: 'model-changed', name: 'vm' });
      } finally {
        await heard.close();
      }
      // One request per instance first: each then holds a turn of the shared counter taken after the change.
      for (const i of [0, 1, 2]) await versionVia(i);
      const answered: string[] = [];
      for (let n = 0; n < 20; n++) answered.push((await versionVia(n % 3)) ?? '');
      // The 20 requests take 20 consecutive turns of the shared counter, which hold exactly 2
      // canary turns; counters per process would split the turns of each instance, not of all.
      assert.equal(answered.filter((v) => v === 'vm@v2').length, 2, answered.join(' '));
      assert.equal(answered.filter((v) => v === 'vm@v1').length, 18);
    });

    it('50 concurrent calls through the three instances never spend more than the shared budget', async () => {
      const inputBound = inputTokenBound({ model: 'm', messages: [{ role: 'user', content: 'count to three' }], maxTokens: 20 });
      const hold = (inputBound + 20) / 1e6;
      const budget = hold * 10 + hold / 2;
      const made = await admin(0, 'POST', '/admin/keys', { name: 'shared-budget', budget: { usd: budget, period: 'month' } });
      assert.equal(made.status, 201, JSON.stringify(made.body));
      // A hanging upstream keeps every granted hold open until all 50 calls are decided.
      cloud.reset();
      cloud.setDefault({ kind: 'hang' });
      const reached = () => cloud.requests.filter((r) => r.path.endsWith('/chat/completions')).length;
      const abort = new AbortController();
      // One signal for all 50 calls: the client adds a listener per call, 50 at once by design.
      setMaxListeners(50, abort.signal);
      const refused: InstanceType<typeof OpenAI.APIError>[] = [];
      const calls = Array.from({ length: 50 }, (_, n) =>
        client(n % 3, made.body.key as string)
          .chat.completions.create({ model: 'm', messages: user('count to three'), max_tokens: 20 }, { signal: abort.signal })
          .catch((error: unknown) => {
            if (!abort.signal.aborted) refused.push(error as InstanceType<typeof OpenAI.APIError>);
          }),
      );
      while (reached() + refused.length < 50) await new Promise((r) => setTimeout(r, 5));
      assert.equal(reached(), 10, 'granted calls');
      assert.equal(refused.length, 40);
      for (const error of refused) assert.equal(error.code, 'budget_exhausted');
      abort.abort();
      await Promise.all(calls);
      cloud.reset();
      while ((await admin(1, 'GET', `/admin/keys/${made.body.id as string}`)).body.spend.reserved_usd !== 0) await new Promise((r) => setTimeout(r, 10));
      const spend = (await admin(2, 'GET', `/admin/keys/${made.body.id as string}`)).body.spend;
      assert.ok(spend.spent_usd <= budget + 1e-12, JSON.stringify(spend));
    });

    it('kill -9 of one instance under load loses no acknowledged request, and `flambeau audit verify` is OK', async () => {
      cloud.setDefault({ kind: 'slow', delayMs: 5, then: { kind: 'reply', text: 'ok' } });
      const acked: string[] = [];
      let stop = false;
      // Three workers per instance; a worker of the killed instance stops at its first failure.
      const workers = Array.from({ length: 9 }, async (_, n) => {
        const c = client(n % 3);
        while (!stop) {
          try {
            const { response } = await c.chat.completions.create({ model: 'm', messages: user('hello') }).withResponse();
            acked.push(response.headers.get('x-request-id') as string);
          } catch {
            return;
          }
        }
      });
      while (acked.length < 60) await new Promise((r) => setTimeout(r, 5));
      const victim = instances[2]!.child;
      victim.kill('SIGKILL');
      await new Promise((r) => (victim.exitCode !== null || victim.signalCode !== null ? r(null) : victim.once('exit', r)));
      const atKill = acked.length;
      while (acked.length < atKill + 30) await new Promise((r) => setTimeout(r, 5));
      stop = true;
      await Promise.all(workers);

      // With the SQLite store (decision 0019) an instance's rows may lag its acknowledgements by one
      // apply window (100 ms), and a read in the server flushes that instance's journal first, and
      // applies the journals of dead instances. So a read on each survivor: the store then holds
      // what they acknowledged and what the killed instance had journaled.
      for (const i of [0, 1]) assert.equal((await admin(i, 'GET', '/admin/usage')).status, 200);
      const { usage, audit } = await requestIdsInStore(home, storeUrl);
      const missing = acked.filter((id) => !usage.has(id) || !audit.has(id));
      assert.deepEqual(missing, [], `${missing.length} of ${acked.length} acknowledged requests missing from usage or audit`);
      const verified = await runCli(['audit', 'verify', '--home', home, '--config', config], { env });
      assert.equal(verified.code, 0, verified.stdout + verified.stderr);
      assert.match(verified.stdout, /^OK: \d+ records/);
      // The survivors still answer, and see the same chain.
      const remote = await admin(0, 'GET', '/admin/audit/verify');
      assert.equal(remote.body.ok, true, JSON.stringify(remote.body));
    });
  });

describe('an instance whose cluster Redis is down (e2e)', () => {
  it('starts, serves, revokes at once for itself, and says why the others may lag', async () => {
    await using cloud = await startStandInCloud();
    const logged: string[] = [];
    const logger = { debug() {}, info() {}, warn: (message: string) => void logged.push(message), error: (message: string) => void logged.push(message) };
    await using gw = await startTestGateway(
      { providers: [{ id: 'cloud', type: 'openai-compatible', base_url: cloud.openaiBaseUrl, locality: 'cloud' }], models: [{ name: 'm', provider: 'cloud' }] },
      { env: { FLAMBEAU_CLUSTER_REDIS_URL: 'redis://127.0.0.1:1' }, logger },
    );
    const made = (await (
      await fetch(`${gw.url}/admin/keys`, {
        method: 'POST',
        headers: { authorization: `Bearer ${gw.key}`, 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'k' }),
      })
    ).json()) as { id: string; key: string };
    const c = new OpenAI({ baseURL: gw.baseURL, apiKey: made.key, maxRetries: 0 });
    await c.chat.completions.create({ model: 'm', messages: user('hi') });
    const revoked = await fetch(`${gw.url}/admin/keys/${made.id}`, { method: 'DELETE', headers: { authorization: `Bearer ${gw.key}` } });
    assert.equal(revoked.status, 200);
    await assert.rejects(c.chat.completions.create({ model: 'm', messages: user('hi') }), (e: unknown) => e instanceof OpenAI.AuthenticationError);
    assert.ok(
      logged.some((m) => m.startsWith('cluster: ') && m.includes('10 s')),
      logged.join('\n'),
    );
  });
});

/** Runs `work` on the model version registry of the shared store: HOME's SQLite file, or the PostgreSQL at `storeUrl`. */
async function withRegistry(home: string, storeUrl: string | undefined, work: (registry: ModelHome['registry']) => Promise<unknown>): Promise<void> {
  const models = await openModelHome(home, storeUrl ?? null);
  try {
    await work(models.registry);
  } finally {
    await models.close();
  }
}

/** Subscribes to the cluster's channel; `next` is the first event heard on it. */
async function listening(namespace: string): Promise<{ next: Promise<unknown>; close(): Promise<void> }> {
  const listener = new Redis(redisUrl);
  const next = new Promise<unknown>((resolve) => listener.on('message', (_channel: string, text: string) => resolve(decodeClusterMessage(text)?.event)));
  await listener.subscribe(`${namespace}:events`);
  return { next, close: async () => void (await listener.quit()) };
}

/** Starts `flambeau serve` in its own process; resolves with its URL once it listens. */
async function serve(config: string, home: string, env: Record<string, string>): Promise<Instance> {
  const child = spawn(process.execPath, ['--import', TSX_LOADER, CLI_ENTRY, 'serve', '--config', config, '--home', home, '--port', '0'], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stderr: string[] = [];
  child.stderr?.on('data', (d: Buffer) => stderr.push(d.toString()));
  const url = await listeningUrl(child, () => stderr.join(''));
  return { url, child, stderr };
}

/** The request ids in usage and in the audit chain, read from the store itself. */
async function requestIdsInStore(home: string, url: string | undefined): Promise<{ usage: Set<string>; audit: Set<string> }> {
  if (url !== undefined) {
    const db = new pg.Client({ connectionString: url });
    await db.connect();
    try {
      const usage = await db.query<{ id: string }>('SELECT request_id AS id FROM usage_log');
      const audit = await db.query<{ id: string | null }>("SELECT (body::jsonb -> 'event' ->> 'requestId') AS id FROM audit_log");
      return { usage: new Set(usage.rows.map((r) => r.id)), audit: new Set(audit.rows.flatMap((r) => (r.id === null ? [] : [r.id]))) };
    } finally {
      await db.end();
    }
  }
  const store = openStore(join(home, 'flambeau.db'));
  try {
    return {
      usage: new Set(store.db.prepare('SELECT request_id FROM usage_log').pluck().all() as string[]),
      audit: new Set(store.db.prepare("SELECT json_extract(body, '$.event.requestId') FROM audit_log").pluck().all() as string[]),
    };
  } finally {
    store.close();
  }
}
