import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { freshPgDatabase } from '../../../test/helpers/pg-database.js';
import type { SqlClient } from '../../store/sql.js';
import { migratePg, openPgClient } from '../../store/store.js';
import { createVersionRegistry } from './version-registry.js';

const sha = (i: number) => i.toString(16).padStart(64, '0');

/** Two instances (two pools) on one PostgreSQL, registering and switching versions of one name at once. */
describe('model versions on PostgreSQL, concurrently', () => {
  let database: Awaited<ReturnType<typeof freshPgDatabase>>;
  let pools: SqlClient[];
  before(async () => {
    database = await freshPgDatabase('flambeau_versions');
    pools = [openPgClient(database.url), openPgClient(database.url)];
    await migratePg(pools[0] as SqlClient);
  });
  after(async () => {
    await Promise.allSettled(pools.map((p) => p.close()));
    await database.drop();
  });

  it('numbers versions added at once 1..n, each once, the first current', async () => {
    const registries = pools.map((sql) => createVersionRegistry(sql));
    const added = await Promise.all(Array.from({ length: 12 }, (_, i) => (registries[i % 2] as (typeof registries)[0]).add('racy', sha(i))));
    assert.deepEqual(
      added.map((v) => v.version).sort((a, b) => a - b),
      Array.from({ length: 12 }, (_, i) => i + 1),
    );
    const stored = await (registries[0] as (typeof registries)[0]).versions('racy');
    assert.deepEqual(
      stored.map((v) => [v.version, v.sha256]),
      added.sort((a, b) => a.version - b.version).map((v) => [v.version, v.sha256]),
    );
    assert.equal((await (registries[1] as (typeof registries)[0]).pointer('racy'))?.current, 1);
  });

  it('adds one version when the same file is registered twice at once (unless it is current already)', async () => {
    const registries = pools.map((sql) => createVersionRegistry(sql));
    const added = await Promise.all(Array.from({ length: 6 }, (_, i) => (registries[i % 2] as (typeof registries)[0]).addUnlessCurrent('twice', sha(99))));
    assert.equal(added.filter((v) => v !== null).length, 1);
    assert.deepEqual(
      (await (registries[0] as (typeof registries)[0]).versions('twice')).map((v) => v.version),
      [1],
    );
  });

  it('serialises concurrent promotes of one name: each sees the other, none is lost (the pointer is read FOR UPDATE)', async () => {
    const [one, two] = pools.map((sql) => createVersionRegistry(sql)) as [ReturnType<typeof createVersionRegistry>, ReturnType<typeof createVersionRegistry>];
    for (let i = 1; i <= 3; i++) await one.add('switchy', sha(i));
    for (let round = 0; round < 10; round++) {
      const before = (await one.pointer('switchy'))?.current as number;
      const [a, b] = [1, 2, 3].filter((v) => v !== before) as [number, number];
      await Promise.all([one.promote('switchy', a), two.promote('switchy', b)]);
      const after = await one.pointer('switchy');
      // Whichever ran second saw the first's version as current: the first is now `previous`.
      assert.ok(
        (after?.current === a && after.previous === b) || (after?.current === b && after.previous === a),
        `round ${round}: from v${before}, promoting v${a} and v${b} at once left ${JSON.stringify(after)}`,
      );
    }
  });
});
