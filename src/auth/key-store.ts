import { FlambeauError } from '../errors/index.js';
import type { SqlClient, SqlExecutor } from '../store/sql.js';
import { budgetFromRow, budgetToRow } from './budget-columns.js';
import { createKeyAuthenticator, type KeyAuthenticator } from './key-authenticator.js';
import type { KeyRow } from './key-row.js';
import { newKeyToken } from './key-token.js';
import { ADMIN_ENDPOINT, ALL_SCOPES, ENDPOINTS, type Budget, type KeyPrincipal, type Limits, type Scopes } from './principal.js';
import { guardStore } from './store-guard.js';
import { checkTeamId, type TeamStore } from './team-store.js';

/** A key as listed and shown: never the token, never its hash. */
export interface KeyRecord {
  id: string;
  name: string;
  team: string | null;
  scopes: Scopes;
  budget: Budget | null;
  limits: Limits;
  expiresAt: number | null;
  revokedAt: number | null;
  createdAt: number;
  lastUsedAt: number | null;
}

export interface NewKey {
  name: string;
  team?: string | null;
  /** Omitted lists default to `['*']`. */
  scopes?: Partial<Scopes>;
  budget?: Budget | null;
  rpm?: number | null;
  tpm?: number | null;
  /** Unix ms; must be in the future. */
  expiresAt?: number | null;
}

export interface KeyStore {
  /** Creates a key. `token` is the only time the secret exists outside the caller's hands: show it once. */
  create(input: NewKey, tx?: SqlExecutor): Promise<{ token: string; record: KeyRecord }>;
  list(): Promise<KeyRecord[]>;
  /** Throws `not_found`. */
  get(id: string): Promise<KeyRecord>;
  /** Revokes at once for this process (see `authenticate`); `changed` is false if it was already revoked. */
  revoke(id: string, tx?: SqlExecutor): Promise<{ record: KeyRecord; changed: boolean }>;
  /**
   * The principal behind an `Authorization` header value (`Bearer …`): the master key or an API
   * key. Throws `unauthenticated` (401) for a missing, malformed or unknown key, a wrong secret,
   * a revoked or an expired key (distinct messages and `details.reason`), and `store_unavailable`
   * (503) when the store cannot answer, never a 401 for that.
   */
  authenticate(authorization: string | undefined): Promise<KeyPrincipal>;
  /** Drops cached verifications (one key, or all: after a team's limits change). */
  invalidate(id?: string): void;
}

export interface KeyStoreOptions {
  sql: SqlClient;
  teams: TeamStore;
  /** The master key's value; null when there is none. */
  masterKey: { reveal(): string } | null;
  clock?: () => number;
  /**
   * How long a verified key is trusted from memory. A revocation made through this process's
   * store takes effect at once; one made by another process sharing the file, within this bound.
   */
  cacheTtlMs?: number;
  /** `last_used_at` is written at most once per key per this many ms (a write per request would cost more than the lookup it follows). */
  lastUsedResolutionMs?: number;
}

export const DEFAULT_KEY_CACHE_TTL_MS = 10_000;

export function keyFromRow(row: KeyRow): KeyRecord {
  return {
    id: row.id,
    name: row.name,
    team: row.team,
    scopes: {
      models: JSON.parse(row.models) as string[],
      endpoints: JSON.parse(row.endpoints) as string[],
      collections: JSON.parse(row.collections) as string[],
    },
    budget: budgetFromRow(row.budget_nusd, row.budget_period),
    limits: { rpm: row.rpm, tpm: row.tpm },
    expiresAt: row.expires_at,
    revokedAt: row.revoked_at,
    createdAt: row.created_at,
    lastUsedAt: row.last_used_at,
  };
}

export function createKeyStore(options: KeyStoreOptions): KeyStore {
  const { sql, teams } = options;
  const clock = options.clock ?? Date.now;
  const select = (db: SqlExecutor, id: string) => db.get<KeyRow>('SELECT * FROM api_keys WHERE id = ?', [id]);
  const auth: KeyAuthenticator = createKeyAuthenticator({
    sql,
    masterKey: options.masterKey,
    clock,
    cacheTtlMs: options.cacheTtlMs ?? DEFAULT_KEY_CACHE_TTL_MS,
    lastUsedResolutionMs: options.lastUsedResolutionMs ?? 60_000,
  });

  async function createIn(tx: SqlExecutor, input: NewKey, scopes: Scopes): Promise<{ token: string; record: KeyRecord }> {
    if (input.team != null) await teams.ensure(input.team, tx);
    // Ids are 48 random bits: a collision is rare but possible over many keys, so retry.
    for (let attempt = 0; ; attempt++) {
      const made = newKeyToken();
      if ((await select(tx, made.id)) !== undefined && attempt < 5) continue;
      const budget = budgetToRow(input.budget ?? null);
      await tx.run(
        `INSERT INTO api_keys (id, name, team, secret_hash, models, endpoints, collections, budget_nusd, budget_period, rpm, tpm, expires_at, created_at)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        [
          made.id,
          input.name,
          input.team ?? null,
          made.hash,
          JSON.stringify(scopes.models),
          JSON.stringify(scopes.endpoints),
          JSON.stringify(scopes.collections),
          budget.budget_nusd,
          budget.budget_period,
          input.rpm ?? null,
          input.tpm ?? null,
          input.expiresAt ?? null,
          clock(),
        ],
      );
      return { token: made.token, record: keyFromRow((await select(tx, made.id)) as KeyRow) };
    }
  }

  async function get(id: string, db: SqlExecutor = sql): Promise<KeyRecord> {
    const row = await guardStore(sql, 'reading a key', () => select(db, id));
    if (row === undefined) throw new FlambeauError('not_found', `No API key with id '${id.slice(0, 40)}'.`, { details: { keyId: id.slice(0, 40) } });
    return keyFromRow(row);
  }

  return {
    async create(input, outer) {
      const scopes = checkNewKey(input, clock());
      return guardStore(sql, 'creating a key', () => (outer ?? sql).transaction((tx) => createIn(tx, input, scopes)));
    },
    list: async () => (await guardStore(sql, 'listing keys', () => sql.all<KeyRow>('SELECT * FROM api_keys ORDER BY created_at, id'))).map(keyFromRow),
    get: (id) => get(id),
    async revoke(id, tx) {
      const db = tx ?? sql;
      const changed = await guardStore(
        sql,
        'revoking a key',
        async () => (await db.run('UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL', [clock(), id])) === 1,
      );
      auth.invalidate(id);
      return { record: await get(id, db), changed };
    },
    authenticate: (authorization) => auth.authenticate(authorization),
    invalidate: (id) => auth.invalidate(id),
  };
}

function checkNewKey(input: NewKey, now: number): Scopes {
  const invalid = (param: string, message: string) => new FlambeauError('invalid_request', message, { param });
  if (input.name.trim() === '' || input.name.length > 200) throw invalid('name', 'A key needs a name of 1-200 characters.');
  if (input.team != null) checkTeamId(input.team);
  for (const [param, value] of [
    ['rpm', input.rpm],
    ['tpm', input.tpm],
  ] as const) {
    if (value != null && (!Number.isSafeInteger(value) || value <= 0)) throw invalid(param, `'${param}' must be a positive integer.`);
  }
  if (input.budget != null && !(Number.isFinite(input.budget.usd) && input.budget.usd >= 0))
    throw invalid('budget', 'A budget must be a non-negative number of USD.');
  if (input.expiresAt != null && input.expiresAt <= now) throw invalid('expires_at', 'The expiry must be in the future.');
  const scopes: Scopes = {
    models: input.scopes?.models ?? ALL_SCOPES.models,
    endpoints: input.scopes?.endpoints ?? ALL_SCOPES.endpoints,
    collections: input.scopes?.collections ?? ALL_SCOPES.collections,
  };
  for (const [param, list] of Object.entries(scopes) as [string, string[]][]) {
    if (list.some((name) => name.trim() === '' || name.length > 200)) throw invalid(param, `'${param}' holds an empty or overlong name.`);
  }
  const unknown = scopes.endpoints.filter((e) => e !== '*' && e !== ADMIN_ENDPOINT && !(ENDPOINTS as readonly string[]).includes(e));
  if (unknown.length > 0)
    throw invalid('endpoints', `Unknown endpoint ${unknown.map((e) => `'${e}'`).join(', ')}: use ${ENDPOINTS.join(', ')}, * or ${ADMIN_ENDPOINT}.`);
  return scopes;
}
