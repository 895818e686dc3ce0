import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { freshPgDatabase } from '../../test/helpers/pg-database.js';
import type { SqlClient } from '../store/sql.js';
import { migratePg, openPgClient, openStore, type Store } from '../store/store.js';
import { createDashboardSessions } from './dashboard-sessions.js';

const who = { credential: 'Bearer flm_secret_key_a', keyId: 'a', name: 'alice', admin: false };
const T0 = 1_700_000_000_000;

/** The same checks on each store: what two instances sharing it see, and what the store holds. */
function contract(name: string, open: () => Promise<{ sql: SqlClient; second: SqlClient; done(): Promise<void> }>) {
  describe(`dashboard sessions (${name})`, () => {
    let sql: SqlClient;
    let second: SqlClient;
    let done: () => Promise<void>;
    before(async () => {
      ({ sql, second, done } = await open());
    });
    after(() => done());

    it('opens a session whose cookie is a random token, readable by another instance on the same store', async () => {
      const sessions = createDashboardSessions({ sql, ttlMs: 60_000 });
      const { session, cookie } = await sessions.open(who, T0);
      assert.match(cookie, /^[A-Za-z0-9_-]{43}$/);
      assert.ok(!cookie.includes('flm_') && !cookie.includes(session.csrf));
      const elsewhere = await createDashboardSessions({ sql: second, ttlMs: 60_000 }).read(cookie, T0 + 1);
      assert.deepEqual(elsewhere, session);
      assert.equal(session.expiresAt, T0 + 60_000);
    });

    it('keeps neither the key, the CSRF token nor the cookie in the store, and a row altered or moved opens nothing', async () => {
      const sessions = createDashboardSessions({ sql, ttlMs: 60_000 });
      const a = await sessions.open(who, T0);
      const b = await sessions.open({ ...who, credential: 'Bearer flm_other_b', keyId: 'b' }, T0);
      const rows = await sql.all<Record<string, unknown>>('SELECT * FROM ui_sessions');
      const dump = JSON.stringify(rows);
      for (const secret of ['flm_secret_key_a', 'flm_other_b', a.session.csrf, a.cookie, b.cookie]) assert.ok(!dump.includes(secret), secret);
      // b's sealed part under a's id: a's token does not open it.
      const sealedB = rows.find((r) => r.id === b.session.id)?.sealed as string;
      await sql.run('UPDATE ui_sessions SET sealed = ? WHERE id = ?', [sealedB, a.session.id]);
      assert.equal(await sessions.read(a.cookie, T0), null);
      assert.equal((await sessions.read(b.cookie, T0))?.credential, 'Bearer flm_other_b');
    });

    it('refuses garbage, an unknown token and no cookie', async () => {
      const sessions = createDashboardSessions({ sql, ttlMs: 60_000 });
      const { cookie } = await sessions.open(who, T0);
      const other = `${cookie[0] === 'A' ? 'B' : 'A'}${cookie.slice(1)}`;
      // The last of 43 characters with one of its two padding bits set (A→B, E→F, …, 8→9): the same
      // bytes decode, but it is not the token's spelling.
      const respelled = `${cookie.slice(0, -1)}${String.fromCharCode(cookie.charCodeAt(42) + 1)}`;
      for (const bad of ['', 'x', 'a.b.c', other, respelled, `${cookie}x`, `${cookie.slice(0, 22)}.${T0}.${cookie.slice(0, 43)}`, "' OR 1=1 --"])
        assert.equal(await sessions.read(bad, T0), null, bad);
      assert.equal(await sessions.read(undefined, T0), null);
    });

    it('ends at its expiry, on close (for every instance), and with its key (every session of that key)', async () => {
      const sessions = createDashboardSessions({ sql, ttlMs: 60_000 });
      const elsewhere = createDashboardSessions({ sql: second, ttlMs: 60_000 });
      const a = await sessions.open(who, T0);
      assert.equal(await sessions.read(a.cookie, T0 + 60_000), null);
      const b = await sessions.open(who, T0);
      await elsewhere.close(b.session.id);
      assert.equal(await sessions.read(b.cookie, T0), null);
      const c1 = await sessions.open(who, T0);
      const c2 = await sessions.open(who, T0);
      const other = await sessions.open({ ...who, credential: 'Bearer flm_b', keyId: 'b' }, T0);
      const master = await sessions.open({ ...who, credential: 'Bearer master', keyId: null, admin: true }, T0);
      await elsewhere.closeKey('a');
      assert.equal(await sessions.read(c1.cookie, T0), null);
      assert.equal(await sessions.read(c2.cookie, T0), null);
      assert.equal((await sessions.read(other.cookie, T0))?.keyId, 'b');
      assert.equal((await sessions.read(master.cookie, T0))?.admin, true);
      await sessions.closeKey(null);
      assert.equal(await sessions.read(master.cookie, T0), null);
      assert.equal((await sessions.read(other.cookie, T0))?.keyId, 'b');
    });

    it('checks the CSRF token exactly, and keeps at most maxSessions (the oldest go first)', async () => {
      await sql.run('DELETE FROM ui_sessions');
      const sessions = createDashboardSessions({ sql, ttlMs: 60_000, maxSessions: 2 });
      const first = await sessions.open(who, T0);
      assert.equal(sessions.csrfMatches(first.session, first.session.csrf), true);
      assert.equal(sessions.csrfMatches(first.session, undefined), false);
      assert.equal(sessions.csrfMatches(first.session, `${first.session.csrf}x`), false);
      const second = await sessions.open(who, T0 + 1);
      const third = await sessions.open(who, T0 + 2);
      assert.equal(Number((await sql.get<{ n: number | string }>('SELECT COUNT(*) AS n FROM ui_sessions'))?.n), 2);
      assert.equal(await sessions.read(first.cookie, T0 + 3), null);
      assert.ok((await sessions.read(second.cookie, T0 + 3)) !== null && (await sessions.read(third.cookie, T0 + 3)) !== null);
    });
  });
}

contract('SQLite, two connections to one file', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'flambeau-ui-sessions-'));
  const a: Store = openStore(join(dir, 'flambeau.db'));
  const b: Store = openStore(join(dir, 'flambeau.db'));
  return {
    sql: a.sql,
    second: b.sql,
    done: async () => {
      await a.close();
      await b.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});

contract('PostgreSQL, two instances', async () => {
  const database = await freshPgDatabase('ui_sessions');
  const a = openPgClient(database.url);
  const b = openPgClient(database.url);
  await migratePg(a);
  return {
    sql: a,
    second: b,
    done: async () => {
      await a.close();
      await b.close();
      await database.drop();
    },
  };
});
