import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { FlambeauError } from '../errors/index.js';
import { createSqliteClient } from '../store/sqlite-client.js';
import { openStore, type Store } from '../store/store.js';
import { hashToken } from './key-token.js';
import { createKeyStore, type KeyStore } from './key-store.js';
import { MASTER_PRINCIPAL } from './principal.js';
import { createTeamStore } from './team-store.js';

const MASTER = 'flm-master-key-for-tests-0123456789';

async function errorOf(fn: () => unknown): Promise<FlambeauError> {
  try {
    await fn();
  } catch (error) {
    assert.ok(error instanceof FlambeauError, `expected a FlambeauError, got ${String(error)}`);
    return error;
  }
  assert.fail('expected a throw');
}

describe('key store', () => {
  let dir: string;
  let store: Store;
  let now: number;
  let keys: KeyStore;
  const clock = () => now;
  const makeKeys = (s: Store, cacheTtlMs = 10_000) =>
    createKeyStore({ sql: s.sql, teams: createTeamStore(s.sql, clock), masterKey: { reveal: () => MASTER }, clock, cacheTtlMs });

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'flambeau-keys-'));
    store = openStore(join(dir, 'flambeau.db'));
    now = Date.UTC(2026, 10, 15, 12);
    keys = makeKeys(store);
  });
  afterEach(async () => {
    if (store.db.open) await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('creates flm_<id>_<secret> keys and stores only their sha256', async () => {
    const { token, record } = await keys.create({
      name: 'ci bot',
      team: 'research',
      scopes: { models: ['gpt-small', 'auto'] },
      budget: { usd: 25, period: 'month' },
      rpm: 60,
      tpm: 10_000,
    });
    assert.match(token, /^flm_[0-9a-f]{12}_[A-Za-z0-9_-]{43}$/);
    assert.equal(token.split('_')[1], record.id);
    const row = store.db.prepare('SELECT * FROM api_keys WHERE id = ?').get(record.id) as Record<string, unknown>;
    assert.equal(row.secret_hash, hashToken(token));
    const secret = token.slice(`flm_${record.id}_`.length);
    for (const value of Object.values(row)) assert.ok(!String(value).includes(secret), 'the secret is not stored');
    assert.deepEqual(record.scopes, { models: ['gpt-small', 'auto'], endpoints: ['*'], collections: ['*'] });
    assert.deepEqual(record.budget, { usd: 25, period: 'month' });
    assert.equal((await keys.list()).length, 1);
    assert.deepEqual(await keys.get(record.id), record);
  });

  it('authenticates a key to its principal, with its team limits', async () => {
    (await createTeamStore(store.sql, clock)).upsert({ id: 'research', budget: { usd: 100, period: 'week' }, rpm: 600 });
    const { token, record } = await keys.create({ name: 'a', team: 'research', rpm: 5 });
    const principal = await keys.authenticate(`Bearer ${token}`);
    assert.equal(principal.kind, 'key');
    assert.equal(principal.keyId, record.id);
    assert.deepEqual(principal.limits, { rpm: 5, tpm: null });
    assert.deepEqual(principal.team, { id: 'research', budget: { usd: 100, period: 'week' }, limits: { rpm: 600, tpm: null } });
  });

  it('returns the master principal for the master key', async () => {
    assert.equal(await keys.authenticate(`Bearer ${MASTER}`), MASTER_PRINCIPAL);
  });

  it('remembers a header that carried the master key, and only that exact header', async () => {
    for (let i = 0; i < 3; i++) assert.equal(await keys.authenticate(`Bearer ${MASTER}`), MASTER_PRINCIPAL); // from the memo after the first
    assert.equal(await keys.authenticate(`bearer  ${MASTER} `), MASTER_PRINCIPAL);
    for (const header of [`Bearer ${MASTER.slice(0, -1)}X`, `Bearer ${MASTER}x`, `Bearer ${MASTER.slice(1)}`, `Basic ${MASTER}`]) {
      const error = await errorOf(() => keys.authenticate(header));
      assert.equal(error.code, 'unauthenticated', header);
    }
  });

  it('refuses missing, malformed, unknown and wrong keys with 401 and distinct reasons', async () => {
    const { token } = await keys.create({ name: 'a' });
    const cases: [string | undefined, string][] = [
      [undefined, 'missing'],
      ['', 'missing'],
      ['Basic abc', 'malformed'],
      ['Bearer nope', 'invalid'],
      [`Bearer flm_000000000000_${'A'.repeat(43)}`, 'invalid'],
      [`Bearer ${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`, 'invalid'],
    ];
    for (const [header, reason] of cases) {
      const error = await errorOf(() => keys.authenticate(header));
      assert.equal(error.code, 'unauthenticated', String(header));
      assert.equal(error.status, 401);
      assert.equal(error.details.reason, reason, String(header));
    }
  });

  it('refuses a revoked key at once in this process, though it was cached', async () => {
    const { token, record } = await keys.create({ name: 'a' });
    await keys.authenticate(`Bearer ${token}`);
    await keys.authenticate(`Bearer ${token}`); // from the verified header's memo
    assert.equal((await keys.revoke(record.id)).changed, true);
    const error = await errorOf(() => keys.authenticate(`Bearer ${token}`));
    assert.equal(error.code, 'unauthenticated');
    assert.equal(error.details.reason, 'revoked');
    assert.match(error.message, /revoked/);
    assert.equal((await keys.revoke(record.id)).changed, false);
  });

  it('sees a revocation by another process within the cache bound', async () => {
    const { token, record } = await keys.create({ name: 'a' });
    await keys.authenticate(`Bearer ${token}`);
    const other = openStore(join(dir, 'flambeau.db'));
    await makeKeys(other).revoke(record.id);
    await other.close();
    await keys.authenticate(`Bearer ${token}`); // still cached
    now += 10_001;
    assert.equal((await errorOf(() => keys.authenticate(`Bearer ${token}`))).details.reason, 'revoked');
  });

  it('remembers a verified header only for that exact header: a wrong secret of the same id is refused', async () => {
    const { token, record } = await keys.create({ name: 'a' });
    assert.equal((await keys.authenticate(`Bearer ${token}`)).kind, 'key');
    assert.equal((await keys.authenticate(`Bearer ${token}`)).kind, 'key');
    const last = token.at(-1) === 'A' ? 'B' : 'A';
    const forged = `Bearer ${token.slice(0, -1)}${last}`;
    assert.equal((await errorOf(() => keys.authenticate(forged))).details.reason, 'invalid');
    assert.equal((await errorOf(() => keys.authenticate(`bearer  ${token.slice(0, -1)}${last} `))).details.reason, 'invalid');
    assert.equal((await keys.authenticate(`bearer  ${token} `)).kind, 'key');
    await keys.revoke(record.id);
    assert.equal((await errorOf(() => keys.authenticate(`Bearer ${token}`))).details.reason, 'revoked');
  });

  it('refuses an expired key', async () => {
    const { token } = await keys.create({ name: 'a', expiresAt: now + 1000 });
    await keys.authenticate(`Bearer ${token}`);
    now += 1000;
    const error = await errorOf(() => keys.authenticate(`Bearer ${token}`));
    assert.equal(error.details.reason, 'expired');
    assert.match(error.message, /expired/);
  });

  it('records last use at most once per resolution', async () => {
    const { token, record } = await keys.create({ name: 'a' });
    await keys.authenticate(`Bearer ${token}`);
    assert.equal((await keys.get(record.id)).lastUsedAt, now);
    const first = now;
    now += 5000;
    await keys.authenticate(`Bearer ${token}`);
    assert.equal((await keys.get(record.id)).lastUsedAt, first);
    now += 60_000;
    await keys.authenticate(`Bearer ${token}`);
    assert.equal((await keys.get(record.id)).lastUsedAt, now);
  });

  it('answers 503 store_unavailable, never 401, when the store is closed', async () => {
    const { token } = await keys.create({ name: 'a' });
    const fresh = makeKeys(store);
    store.close();
    const error = await errorOf(() => fresh.authenticate(`Bearer ${token}`));
    assert.equal(error.code, 'store_unavailable');
    assert.equal(error.status, 503);
  });

  it('answers 503 store_unavailable when another writer holds the file beyond the busy timeout', async () => {
    const { token } = await keys.create({ name: 'a' });
    const path = join(dir, 'flambeau.db');
    const writer = new Database(path);
    writer.exec('BEGIN IMMEDIATE');
    const fresh = openStoreQuick(path);
    try {
      // The first use of a key records last_used_at: a write, which waits for the lock, then gives up.
      const error = await errorOf(() => makeKeys(fresh).authenticate(`Bearer ${token}`));
      assert.equal(error.code, 'store_unavailable');
      assert.equal(error.details.sqliteCode, 'SQLITE_BUSY');
    } finally {
      writer.exec('ROLLBACK');
      writer.close();
      fresh.close();
    }
  });

  it('validates new keys', async () => {
    assert.equal((await errorOf(() => keys.create({ name: 'a', scopes: { endpoints: ['chat', 'telepathy'] } }))).param, 'endpoints');
    assert.deepEqual((await keys.create({ name: 'an-admin', scopes: { endpoints: ['admin'] } })).record.scopes.endpoints, ['admin']);
    assert.equal((await errorOf(() => keys.create({ name: ' ' }))).param, 'name');
    assert.equal((await errorOf(() => keys.create({ name: 'a', rpm: 0 }))).param, 'rpm');
    assert.equal((await errorOf(() => keys.create({ name: 'a', expiresAt: now - 1 }))).param, 'expires_at');
    assert.equal((await errorOf(() => keys.create({ name: 'a', team: 'bad team!' }))).param, 'team');
    assert.equal((await errorOf(() => keys.get('nope'))).code, 'not_found');
  });
});

/** A store handle on an existing file with a short busy timeout (the default waits 5 s). */
function openStoreQuick(path: string): Store {
  const db = new Database(path);
  db.pragma('busy_timeout = 50');
  const sql = createSqliteClient(db, path);
  return { db, path, sql, checkpointer: null, close: () => sql.close() };
}
