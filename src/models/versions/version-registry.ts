import { z } from 'zod';
import { FlambeauError } from '../../errors/index.js';
import { ADVISORY_LOCKS, type SqlClient, type SqlExecutor } from '../../store/sql.js';

/** Settings of one version; they override the served model's configured ones. */
export const versionSettingsSchema = z.strictObject({
  context: z.number().int().positive().optional(),
  threads: z.number().int().positive().optional(),
  parallel: z.number().int().positive().optional(),
  chat_template: z.string().min(1).optional(),
  max_tokens: z.number().int().positive().optional(),
});
export type VersionSettings = z.infer<typeof versionSettingsSchema>;

export interface ModelVersion {
  name: string;
  version: number;
  sha256: string;
  settings: VersionSettings;
  createdAt: number;
}

export interface ModelPointer {
  name: string;
  current: number;
  previous: number | null;
  canary: number | null;
  canaryPercent: number | null;
  updatedAt: number;
}

export interface VersionRegistry {
  /**
   * Adds the next version of `name` (the first one becomes current). Returns it. Safe against
   * concurrent adds of one name, from this process or another instance: numbers never collide.
   */
  add(name: string, sha256: string, settings?: VersionSettings): Promise<ModelVersion>;
  /**
   * As `add`, unless `name`'s current version is this file already (then null), decided under the
   * same lock. `tx`: joins that transaction (the CLI's, which also appends the audit record); a
   * version number taken meanwhile by an instance that does not lock then fails it with
   * `conflict` instead of being retried, as the whole transaction must be.
   */
  addUnlessCurrent(name: string, sha256: string, settings?: VersionSettings, tx?: SqlExecutor): Promise<ModelVersion | null>;
  /**
   * Makes `version` current (the current one becomes `previous`), or, with a percent, a canary.
   * The pointer is read locked (PostgreSQL: FOR UPDATE), so concurrent changes of one name queue
   * and none is lost. `tx`: joins that transaction (the dashboard's, which also appends the audit record).
   */
  promote(name: string, version: number, options?: { canaryPercent?: number; tx?: SqlExecutor }): Promise<ModelPointer>;
  /** Drops a canary if there is one; otherwise returns to the previous version. Locked and `tx` as `promote`. */
  rollback(name: string, tx?: SqlExecutor): Promise<ModelPointer>;
  pointer(name: string): Promise<ModelPointer | undefined>;
  versions(name: string): Promise<ModelVersion[]>;
  names(): Promise<string[]>;
  /** Served names whose versions use this blob (rm refuses while there are some). */
  usersOf(sha256: string): Promise<string[]>;
  /** Forgets a served name and its versions (the blobs stay); returns the versions it had. `tx`: joins that transaction. */
  removeName(name: string, tx?: SqlExecutor): Promise<ModelVersion[]>;
  /**
   * The version that answers request number `turn` (0, 1, 2...) of `name`, or undefined when
   * `name` has no versions. A canary gets exactly `canaryPercent` of the turns, spread evenly (a
   * counter, not a coin: the share holds over any run of requests, and tests can check it).
   */
  pick(name: string, turn?: number): Promise<ModelVersion | undefined>;
  /** Every pointer with the versions it can answer with (current and canary): one read, for the catalog's per-request view. */
  live(): Promise<Map<string, { pointer: ModelPointer; versions: ModelVersion[] }>>;
}

/**
 * Holds `name`'s versions and pointer until `tx` ends. PostgreSQL: a transaction advisory lock on
 * (modelVersions, hashtext(name)), which also covers a name with no row yet to lock FOR UPDATE (a
 * hash collision between two names only makes them queue). SQLite: nothing to do, BEGIN IMMEDIATE
 * holds the whole file.
 */
async function lockName(tx: SqlExecutor, name: string): Promise<void> {
  if (tx.dialect === 'postgres') await tx.get('SELECT pg_advisory_xact_lock(?::int, hashtext(?))', [ADVISORY_LOCKS.modelVersions, name]);
}

const notFound = (message: string) => new FlambeauError('not_found', message);

/**
 * Whether request number `turn` of a name goes to its canary of `percent`: when the running share
 * floor(turn * percent / 100) steps up, so that any run of 100 turns holds exactly `percent`.
 */
export function takesCanary(percent: number, turn: number): boolean {
  return Math.floor(((turn + 1) * percent) / 100) > Math.floor((turn * percent) / 100);
}

/** The version number that answers request number `turn` under `pointer`. */
export function versionForTurn(pointer: ModelPointer, turn: number): number {
  return pointer.canary !== null && pointer.canaryPercent !== null && takesCanary(pointer.canaryPercent, turn) ? pointer.canary : pointer.current;
}

interface VersionRow {
  name: string;
  version: number;
  sha256: string;
  settings: string;
  created_at: number;
}

export function versionOfRow(r: VersionRow): ModelVersion {
  return { name: r.name, version: r.version, sha256: r.sha256, settings: versionSettingsSchema.parse(JSON.parse(r.settings)), createdAt: r.created_at };
}

export function createVersionRegistry(sql: SqlClient, now: () => number = Date.now): VersionRegistry {
  const UPSERT_POINTER = `INSERT INTO model_pointers (name, current, previous, canary, canary_percent, updated_at) VALUES (?, ?, ?, ?, ?, ?)
    ON CONFLICT (name) DO UPDATE SET current = excluded.current, previous = excluded.previous, canary = excluded.canary, canary_percent = excluded.canary_percent, updated_at = excluded.updated_at`;
  const savePointer = (db: SqlExecutor, p: ModelPointer) => db.run(UPSERT_POINTER, [p.name, p.current, p.previous, p.canary, p.canaryPercent, p.updatedAt]);
  const selectVersion = async (db: SqlExecutor, name: string, version: number) => {
    const row = await db.get<VersionRow>('SELECT * FROM model_versions WHERE name = ? AND version = ?', [name, version]);
    return row === undefined ? undefined : versionOfRow(row);
  };
  const selectPointer = async (db: SqlExecutor, name: string, forUpdate = false): Promise<ModelPointer | undefined> => {
    const r = await db.get<{
      name: string;
      current: number;
      previous: number | null;
      canary: number | null;
      canary_percent: number | null;
      updated_at: number;
    }>(`SELECT * FROM model_pointers WHERE name = ?${forUpdate && db.dialect === 'postgres' ? ' FOR UPDATE' : ''}`, [name]);
    return r === undefined
      ? undefined
      : { name: r.name, current: r.current, previous: r.previous, canary: r.canary, canaryPercent: r.canary_percent, updatedAt: r.updated_at };
  };
  const requireVersion = async (db: SqlExecutor, name: string, version: number): Promise<ModelVersion> => {
    const found = await selectVersion(db, name, version);
    if (found === undefined)
      throw new FlambeauError('not_found', `${name} has no version ${version} (see \`flambeau models show ${name}\`).`, { param: 'version' });
    return found;
  };
  /** The pointer, locked until the transaction ends (SQLite: BEGIN IMMEDIATE holds the file already). */
  const requirePointer = async (db: SqlExecutor, name: string): Promise<ModelPointer> => {
    const found = await selectPointer(db, name, true);
    if (found === undefined) throw notFound(`no served model named ${name} (pull or import one with --name ${name}).`);
    return found;
  };

  /**
   * Allocates MAX(version)+1 while holding `name` (see lockName), so that concurrent adds queue
   * instead of reading the same maximum; a unique violation left anyway (an instance that does not
   * take the lock yet, during a rolling upgrade) is retried with a fresh maximum.
   */
  async function addVersion(
    name: string,
    sha256: string,
    settings: VersionSettings,
    unlessCurrent: boolean,
    outer?: SqlExecutor,
  ): Promise<ModelVersion | null> {
    const checked = JSON.stringify(versionSettingsSchema.parse(settings));
    for (let attempt = 1; ; attempt++) {
      try {
        return await (outer ?? sql).transaction(async (tx) => {
          await lockName(tx, name);
          const pointer = await selectPointer(tx, name);
          if (unlessCurrent && pointer !== undefined && (await selectVersion(tx, name, pointer.current))?.sha256 === sha256) return null;
          const version = (await tx.get<{ n: number }>('SELECT COALESCE(MAX(version), 0) + 1 AS n FROM model_versions WHERE name = ?', [name]))?.n ?? 1;
          const createdAt = now();
          await tx.run('INSERT INTO model_versions (name, version, sha256, settings, created_at) VALUES (?, ?, ?, ?, ?)', [
            name,
            version,
            sha256,
            checked,
            createdAt,
          ]);
          if (pointer === undefined) await savePointer(tx, { name, current: version, previous: null, canary: null, canaryPercent: null, updatedAt: createdAt });
          return { name, version, sha256, settings, createdAt };
        });
      } catch (error) {
        // Inside a caller's transaction the violation has aborted it (PostgreSQL): only the caller can retry.
        if (!(error instanceof FlambeauError && error.code === 'conflict') || attempt >= 5 || outer !== undefined) throw error;
      }
    }
  }

  return {
    add: async (name, sha256, settings = {}) => (await addVersion(name, sha256, settings, false)) as ModelVersion,
    addUnlessCurrent: (name, sha256, settings = {}, tx) => addVersion(name, sha256, settings, true, tx),
    promote: (name, version, options = {}) =>
      (options.tx ?? sql).transaction(async (tx) => {
        const pointer = await requirePointer(tx, name);
        await requireVersion(tx, name, version);
        const percent = options.canaryPercent;
        if (percent !== undefined) {
          if (!Number.isInteger(percent) || percent < 1 || percent > 99)
            throw new FlambeauError('invalid_request', `--canary takes a whole percent from 1 to 99, got ${percent}.`, { param: 'canary' });
          if (version === pointer.current) throw new FlambeauError('invalid_request', `${name} v${version} is already the current version.`);
          const next = { ...pointer, canary: version, canaryPercent: percent, updatedAt: now() };
          await savePointer(tx, next);
          return next;
        }
        const next =
          version === pointer.current
            ? { ...pointer, canary: null, canaryPercent: null, updatedAt: now() }
            : { ...pointer, current: version, previous: pointer.current, canary: null, canaryPercent: null, updatedAt: now() };
        await savePointer(tx, next);
        return next;
      }),
    rollback: (name, outer) =>
      (outer ?? sql).transaction(async (tx) => {
        const pointer = await requirePointer(tx, name);
        if (pointer.canary !== null) {
          const next = { ...pointer, canary: null, canaryPercent: null, updatedAt: now() };
          await savePointer(tx, next);
          return next;
        }
        if (pointer.previous === null) throw new FlambeauError('invalid_request', `${name} has no previous version to roll back to.`);
        const next = { ...pointer, current: pointer.previous, previous: pointer.current, updatedAt: now() };
        await savePointer(tx, next);
        return next;
      }),
    pointer: (name) => selectPointer(sql, name),
    versions: async (name) => (await sql.all<VersionRow>('SELECT * FROM model_versions WHERE name = ? ORDER BY version', [name])).map(versionOfRow),
    names: async () => (await sql.all<{ name: string }>('SELECT name FROM model_pointers ORDER BY name')).map((r) => r.name),
    usersOf: async (sha256) =>
      (await sql.all<{ name: string }>('SELECT DISTINCT name FROM model_versions WHERE sha256 = ? ORDER BY name', [sha256])).map((r) => r.name),
    removeName: (name, outer) =>
      (outer ?? sql).transaction(async (tx) => {
        await lockName(tx, name);
        const removed = (await tx.all<VersionRow>('SELECT * FROM model_versions WHERE name = ? ORDER BY version', [name])).map(versionOfRow);
        await tx.run('DELETE FROM model_pointers WHERE name = ?', [name]);
        await tx.run('DELETE FROM model_versions WHERE name = ?', [name]);
        return removed;
      }),
    async live() {
      const rows = await sql.all<
        VersionRow & { current: number; previous: number | null; canary: number | null; canary_percent: number | null; updated_at: number }
      >(
        `SELECT p.name, p.current, p.previous, p.canary, p.canary_percent, p.updated_at, v.version, v.sha256, v.settings, v.created_at
        FROM model_pointers p JOIN model_versions v ON v.name = p.name AND (v.version = p.current OR v.version = p.canary) ORDER BY p.name, v.version`,
      );
      const out = new Map<string, { pointer: ModelPointer; versions: ModelVersion[] }>();
      for (const r of rows) {
        let entry = out.get(r.name);
        if (entry === undefined) {
          entry = {
            pointer: { name: r.name, current: r.current, previous: r.previous, canary: r.canary, canaryPercent: r.canary_percent, updatedAt: r.updated_at },
            versions: [],
          };
          out.set(r.name, entry);
        }
        entry.versions.push(versionOfRow(r));
      }
      return out;
    },
    async pick(name, turn = 0) {
      const pointer = await selectPointer(sql, name);
      if (pointer === undefined) return undefined;
      return selectVersion(sql, name, versionForTurn(pointer, turn));
    },
  };
}
