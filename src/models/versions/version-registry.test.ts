import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FlambeauError } from '../../errors/index.js';
import type { SqlClient, SqlExecutor } from '../../store/sql.js';
import { openStore } from '../../store/store.js';
import { createVersionRegistry } from './version-registry.js';

const A = 'a'.repeat(64);
const B = 'b'.repeat(64);
const C = 'c'.repeat(64);

function registry() {
  const store = openStore(':memory:');
  return createVersionRegistry(store.sql);
}

describe('model versions', () => {
  it('the first version is current; promote moves it, rollback returns and toggles', async () => {
    const r = registry();
    assert.equal((await r.add('chat', A)).version, 1);
    assert.equal((await r.add('chat', B, { context: 2048 })).version, 2);
    assert.equal((await r.pick('chat'))?.sha256, A, 'adding a version does not promote it');
    await r.promote('chat', 2);
    assert.deepEqual(await r.pick('chat'), { ...(await r.versions('chat'))[1], settings: { context: 2048 } });
    assert.equal((await r.rollback('chat')).current, 1);
    assert.equal((await r.pick('chat'))?.version, 1);
    assert.equal((await r.rollback('chat')).current, 2, 'a second rollback returns to what the first left');
    assert.equal(await r.pick('other'), undefined);
  });

  it('a canary gets exactly its share of requests, and rollback drops it', async () => {
    const r = registry();
    await r.add('chat', A);
    await r.add('chat', B);
    await r.add('chat', C);
    await r.promote('chat', 3, { canaryPercent: 25 });
    const picks = await Promise.all(Array.from({ length: 100 }, async (_, turn) => (await r.pick('chat', turn))?.version));
    assert.equal(picks.filter((v) => v === 3).length, 25);
    assert.equal(picks.filter((v) => v === 1).length, 75);
    assert.deepEqual(picks.slice(0, 8), [1, 1, 1, 3, 1, 1, 1, 3], 'spread evenly, not bunched');
    await r.rollback('chat');
    assert.ok((await Promise.all(Array.from({ length: 10 }, async (_, turn) => (await r.pick('chat', turn))?.version))).every((v) => v === 1));
    await r.promote('chat', 3, { canaryPercent: 50 });
    await r.promote('chat', 3);
    assert.deepEqual([(await r.pointer('chat'))?.current, (await r.pointer('chat'))?.previous, (await r.pointer('chat'))?.canary], [3, 1, null]);
  });

  it('refuses unknown names and versions, bad percents, and rollback with no history', async () => {
    const r = registry();
    await r.add('chat', A);
    const code = async (fn: () => unknown) => {
      try {
        await fn();
      } catch (error) {
        assert.ok(error instanceof FlambeauError);
        return error.code;
      }
      return 'none';
    };
    assert.equal(await code(() => r.promote('nope', 1)), 'not_found');
    assert.equal(await code(() => r.promote('chat', 9)), 'not_found');
    await r.add('chat', B);
    assert.equal(await code(() => r.promote('chat', 2, { canaryPercent: 100 })), 'invalid_request');
    assert.equal(await code(() => r.rollback('chat')), 'invalid_request');
    assert.deepEqual(await r.usersOf(B), ['chat']);
    await r.removeName('chat');
    assert.deepEqual([await r.names(), await r.usersOf(B)], [[], []]);
  });

  it('retries an add that meets a unique violation (another writer took its number), leaving nothing of the failed attempt', async () => {
    const sql = openStore(':memory:').sql;
    let collisions = 0;
    // The first version insert meets a row written under it (as by an instance that takes no lock).
    const colliding = (tx: SqlExecutor): SqlExecutor => ({
      dialect: tx.dialect,
      inTransaction: true,
      all: (q, p) => tx.all(q, p),
      get: (q, p) => tx.get(q, p),
      run: async (q, p) => {
        if (collisions === 0 && q.startsWith('INSERT INTO model_versions')) {
          collisions++;
          await tx.run(q, p);
        }
        return tx.run(q, p);
      },
      transaction: (work) => work(colliding(tx)),
    });
    const flaky: SqlClient = { ...sql, transaction: (work) => sql.transaction((tx) => work(colliding(tx))) };
    const r = createVersionRegistry(flaky);
    assert.equal((await r.add('chat', A)).version, 1);
    assert.equal(collisions, 1);
    assert.deepEqual(
      (await r.versions('chat')).map((v) => v.version),
      [1],
      'the failed attempt left nothing behind',
    );
  });

  it('adds no version when the file is already the current one', async () => {
    const r = registry();
    assert.equal((await r.addUnlessCurrent('chat', A))?.version, 1);
    assert.equal(await r.addUnlessCurrent('chat', A), null);
    assert.equal((await r.addUnlessCurrent('chat', B))?.version, 2);
    assert.equal(await r.addUnlessCurrent('chat', A), null, 'adding B did not make it current');
    await r.promote('chat', 2);
    assert.equal((await r.addUnlessCurrent('chat', A))?.version, 3, 'a file that is not current gets a new version');
  });
});
