import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setImmediate as tick } from 'node:timers/promises';
import { createKeyStore, createTeamStore, type KeyStore } from '../auth/index.js';
import { FlambeauError } from '../errors/index.js';
import { openStore, type Store } from '../store/store.js';
import { createLocalBus, type ClusterBus } from './cluster-bus.js';
import { announcingKeyStore, followCluster } from './follow-cluster.js';

// Two "instances" in one process: two key stores on one database file, each with its own cache,
// joined by one bus (the local bus stands for Redis here; cluster-bus.test.ts checks that Redis
// carries the same events between processes, and test/e2e/cluster.test.ts the whole path).
const MASTER = 'flm-master-key-for-tests-0123456789';
let dir: string;
let stores: Store[];

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'flambeau-follow-'));
  stores = [openStore(join(dir, 'flambeau.db')), openStore(join(dir, 'flambeau.db'))];
});
after(async () => {
  for (const store of stores) await store.close();
  rmSync(dir, { recursive: true, force: true });
});

function instance(store: Store, bus: ClusterBus): { keys: KeyStore; versions: string[] } {
  const own = createKeyStore({ sql: store.sql, teams: createTeamStore(store.sql), masterKey: { reveal: () => MASTER }, cacheTtlMs: 60_000 });
  const dropped: string[] = [];
  followCluster(bus, { keys: own, versions: { invalidate: (name) => dropped.push(name ?? '*') } });
  return { keys: announcingKeyStore(own, bus), versions: dropped };
}

async function refusal(fn: () => Promise<unknown>): Promise<FlambeauError> {
  try {
    await fn();
  } catch (error) {
    assert.ok(error instanceof FlambeauError);
    return error;
  }
  assert.fail('expected a refusal');
}

describe('following the cluster', () => {
  it('a key revoked through one instance is refused at once by another that had it cached', async () => {
    const bus = createLocalBus();
    const [one, two] = [instance(stores[0]!, bus), instance(stores[1]!, bus)];
    const { token, record } = await one.keys.create({ name: 'roaming' });
    assert.equal((await two.keys.authenticate(`Bearer ${token}`)).keyId, record.id); // cached for 60 s
    await one.keys.revoke(record.id);
    await tick();
    assert.equal((await refusal(() => two.keys.authenticate(`Bearer ${token}`))).details.reason, 'revoked');
  });

  it('drops model pointers on model-changed, and everything on resync', async () => {
    const bus = createLocalBus();
    const { versions } = instance(stores[0]!, bus);
    await bus.publish({ type: 'model-changed', name: 'vm' });
    const listeners: ((signal: { type: 'resync' }) => void)[] = [];
    const resyncing: ClusterBus = { ...bus, subscribe: (listener) => (listeners.push(listener), () => undefined) };
    const other = instance(stores[0]!, resyncing);
    for (const listener of listeners) listener({ type: 'resync' });
    assert.deepEqual(versions, ['vm']);
    assert.deepEqual(other.versions, ['*']);
  });
});
