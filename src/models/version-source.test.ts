import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setImmediate as tick } from 'node:timers/promises';
import { openStore, type Store } from '../store/store.js';
import { createVersionSource } from './served-models.js';
import { createModelStore, type ModelStore } from './store/model-store.js';
import { createVersionRegistry, type VersionRegistry } from './versions/version-registry.js';

// The version source's cluster side (no model runs: the binding names the version, `vm@vN`).
let dir: string;
let db: Store;
let store: ModelStore;
let registry: VersionRegistry;
const sha = (text: string) => createHash('sha256').update(text).digest('hex');

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'flambeau-version-source-'));
  db = openStore(join(dir, 'flambeau.db'));
  store = createModelStore(dir);
  registry = createVersionRegistry(db.sql);
  await registry.add('vm', sha('v1'));
  await registry.add('vm', sha('v2'));
});
after(async () => {
  await db?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** One request of `name` through a source: look up (as the router does), then start it. */
async function request(source: ReturnType<typeof createVersionSource>, name: string): Promise<string | undefined> {
  await source.refresh?.(); // once per request, as the spine does
  const model = source.resolve(name)?.binding.model;
  source.served?.(name);
  await tick(); // the next shared turn arrives
  return model;
}

describe('version source in a cluster', () => {
  it('splits a canary over the requests of every instance together when they share a counter', async () => {
    let count = 0;
    const counter = { increment: async () => ++count };
    await registry.promote('vm', 2, { canaryPercent: 10 });
    try {
      const instances = [0, 1, 2].map(() => createVersionSource(registry, store, { sharedTurns: counter }));
      for (const instance of instances) await instance.prime(['vm']);
      const answered: (string | undefined)[] = [];
      for (let n = 0; n < 20; n++) answered.push(await request(instances[n % 3]!, 'vm'));
      assert.equal(answered.filter((m) => m === 'vm@v2').length, 2, answered.join(' '));
      // Alone, each instance counts its own 6 or 7 requests: none reaches its 10th, no canary at all.
      const alone = [0, 1, 2].map(() => createVersionSource(registry, store));
      const own: (string | undefined)[] = [];
      for (let n = 0; n < 20; n++) own.push(await request(alone[n % 3]!, 'vm'));
      assert.equal(own.filter((m) => m === 'vm@v2').length, 0);
    } finally {
      await registry.rollback('vm');
    }
  });

  it('counts its own requests, saying so, when the shared counter fails', async () => {
    const errors: string[] = [];
    const source = createVersionSource(registry, store, {
      sharedTurns: { increment: async () => Promise.reject(new Error('down')) },
      onError: (what) => errors.push(what),
    });
    await registry.promote('vm', 2, { canaryPercent: 50 });
    try {
      const answered: (string | undefined)[] = [];
      for (let n = 0; n < 4; n++) answered.push(await request(source, 'vm'));
      assert.deepEqual(answered, ['vm@v1', 'vm@v2', 'vm@v1', 'vm@v2']);
      assert.ok(errors.length > 0 && errors.every((e) => e === 'shared canary counter'));
    } finally {
      await registry.rollback('vm');
    }
  });

  it('keeps the pointers for cacheMs, unless told that they changed', async () => {
    let now = 1_000;
    const source = createVersionSource(registry, store, { cacheMs: 10_000, clock: () => now });
    await source.refresh();
    assert.equal(source.resolve('vm')?.version, 1);
    await registry.promote('vm', 2);
    try {
      await source.refresh();
      assert.equal(source.resolve('vm')?.version, 1, 'cached');
      source.invalidate('vm');
      await source.refresh();
      assert.equal(source.resolve('vm')?.version, 2, 'dropped by the event');
      await registry.rollback('vm');
      now += 10_000;
      await source.refresh();
      assert.equal(source.resolve('vm')?.version, 1, 'expired');
      assert.equal(source.resolve('unversioned'), undefined);
    } finally {
      if ((await registry.pointer('vm'))?.current !== 1) await registry.rollback('vm');
    }
  });
});

describe('version source with the store change stamp (SQLite)', () => {
  /** The registry, counting its reads. */
  function counting(): { registry: VersionRegistry; reads: () => number } {
    let reads = 0;
    return {
      registry: { ...registry, live: () => (reads++, registry.live()) },
      reads: () => reads,
    };
  }

  it('reads again only when a write has committed since its last read', async () => {
    const { registry: counted, reads } = counting();
    const stamp = db.sql.changeStamp;
    assert.ok(stamp !== undefined, 'the SQLite client has a change stamp');
    const source = createVersionSource(counted, store, { changeStamp: stamp });
    await db.sql.run('CREATE TABLE IF NOT EXISTS scratch (x INTEGER)');
    await source.refresh();
    assert.equal(reads(), 1);
    assert.equal(source.resolve('vm')?.version, 1);
    await source.refresh();
    await source.refresh();
    assert.equal(reads(), 1, 'nothing committed: no read');

    // A promote through this process's registry (a transaction on this connection).
    await registry.promote('vm', 2);
    try {
      await source.refresh();
      assert.equal(reads(), 2);
      assert.equal(source.resolve('vm')?.version, 2, 'the promote applies to the next request');
      await source.refresh();
      assert.equal(reads(), 2);
    } finally {
      await registry.rollback('vm');
    }
    await source.refresh();
    assert.equal(source.resolve('vm')?.version, 1, 'the rollback too');
    const afterRollback = reads();

    // Other writes on this connection count too (the stamp does not know what they changed).
    await db.sql.run('INSERT INTO scratch (x) VALUES (1)');
    await source.refresh();
    assert.equal(reads(), afterRollback + 1, 'autocommit write');
    await db.sql.get('INSERT INTO scratch (x) VALUES (2) RETURNING x');
    await source.refresh();
    assert.equal(reads(), afterRollback + 2, 'write with RETURNING, as a query');
    await db.sql.transaction((tx) => tx.run('INSERT INTO scratch (x) VALUES (3)'));
    await source.refresh();
    assert.equal(reads(), afterRollback + 3, 'transaction');
    await db.sql.all('SELECT * FROM scratch');
    await source.refresh();
    assert.equal(reads(), afterRollback + 3, 'a read is not a write');
  });

  it('reads again when another connection to the file committed a change', async () => {
    const { registry: counted, reads } = counting();
    const source = createVersionSource(counted, store, { changeStamp: db.sql.changeStamp! });
    await source.refresh();
    await source.refresh();
    assert.equal(reads(), 1);
    const other = openStore(join(dir, 'flambeau.db'));
    try {
      const otherRegistry = createVersionRegistry(other.sql);
      await otherRegistry.promote('vm', 2, { canaryPercent: 50 });
      await source.refresh();
      assert.equal(reads(), 2, 'the other connection committed');
      assert.equal((await counted.pointer('vm'))?.canary, 2);
      await source.refresh();
      assert.equal(reads(), 2);
      await otherRegistry.rollback('vm');
      await source.refresh();
      assert.equal(reads(), 3);
    } finally {
      await other.close();
    }
  });

  it('reads again after a failed read and after invalidate', async () => {
    let fail = false;
    let reads = 0;
    const flaky: VersionRegistry = { ...registry, live: () => (reads++, fail ? Promise.reject(new Error('locked')) : registry.live()) };
    const source = createVersionSource(flaky, store, { changeStamp: db.sql.changeStamp!, onError: () => undefined });
    fail = true;
    await source.refresh();
    fail = false;
    await source.refresh();
    assert.equal(reads, 2, 'a failed read does not count as seen');
    source.invalidate();
    await source.refresh();
    assert.equal(reads, 3);
    await source.refresh();
    assert.equal(reads, 3);
  });
});
