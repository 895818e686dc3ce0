import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { afterEach, beforeEach, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { openStore, type Store } from './store.js';

describe('the SQLite client reads data_version once per turn for the readers that allow it', () => {
  let dir: string;
  let store: Store;
  let other: Database.Database;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'flambeau-data-version-'));
    store = openStore(join(dir, 'store.db'));
    other = new Database(join(dir, 'store.db'));
  });
  afterEach(() => {
    other.close();
    store.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const commitElsewhere = () => other.prepare('CREATE TABLE IF NOT EXISTS t (x)').run() && other.prepare('INSERT INTO t VALUES (1)').run();
  const versionOf = (stamp: string) => Number(stamp.split(':')[0]);

  it('changeStamp always reads: another connection’s commit shows in the same turn', () => {
    const before = store.sql.changeStamp?.();
    commitElsewhere();
    assert.notEqual(store.sql.changeStamp?.(), before);
  });

  it('dataVersionThisTurn reuses the read of this turn, and reads again in the next one', async () => {
    const turnVersion = store.sql.dataVersionThisTurn;
    assert.ok(turnVersion !== undefined);
    const first = turnVersion();
    commitElsewhere();
    assert.equal(turnVersion(), first, 'the same turn: the value already read');
    await nextTurn();
    const next = turnVersion();
    assert.notEqual(next, first, 'the next turn reads again and sees the commit');
    commitElsewhere();
    // A changeStamp read in this turn is the one the holds then take.
    const stamp = store.sql.changeStamp?.() as string;
    assert.equal(turnVersion(), versionOf(stamp));
    assert.notEqual(versionOf(stamp), next);
  });
});
