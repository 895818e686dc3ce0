import { z } from 'zod';
import { FlambeauError } from '../../errors/index.js';
import type { Db } from '../../store/store.js';

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
  /** Adds the next version of `name` (the first one becomes current). Returns it. */
  add(name: string, sha256: string, settings?: VersionSettings): ModelVersion;
  /** Makes `version` current (the current one becomes `previous`), or, with a percent, a canary. */
  promote(name: string, version: number, options?: { canaryPercent?: number }): ModelPointer;
  /** Drops a canary if there is one; otherwise returns to the previous version. */
  rollback(name: string): ModelPointer;
  pointer(name: string): ModelPointer | undefined;
  versions(name: string): ModelVersion[];
  names(): string[];
  /** Served names whose versions use this blob (rm refuses while there are some). */
  usersOf(sha256: string): string[];
  /** Forgets a served name and its versions (the blobs stay). */
  removeName(name: string): void;
  /**
   * The version that answers request number `turn` (0, 1, 2...) of `name`, or undefined when
   * `name` has no versions. A canary gets exactly `canaryPercent` of the turns, spread evenly (a
   * counter, not a coin: the share holds over any run of requests, and tests can check it).
   */
  pick(name: string, turn?: number): ModelVersion | undefined;
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

export function createVersionRegistry(db: Db, now: () => number = Date.now): VersionRegistry {
  const insertVersion = db.prepare('INSERT INTO model_versions (name, version, sha256, settings, created_at) VALUES (?, ?, ?, ?, ?)');
  const nextVersion = db.prepare('SELECT COALESCE(MAX(version), 0) + 1 FROM model_versions WHERE name = ?').pluck();
  const selectVersion = db.prepare('SELECT * FROM model_versions WHERE name = ? AND version = ?');
  const selectVersions = db.prepare('SELECT * FROM model_versions WHERE name = ? ORDER BY version');
  const selectPointer = db.prepare('SELECT * FROM model_pointers WHERE name = ?');
  const upsertPointer = db.prepare(`INSERT INTO model_pointers (name, current, previous, canary, canary_percent, updated_at)
    VALUES (@name, @current, @previous, @canary, @canaryPercent, @updatedAt)
    ON CONFLICT (name) DO UPDATE SET current = @current, previous = @previous, canary = @canary, canary_percent = @canaryPercent, updated_at = @updatedAt`);
  const selectNames = db.prepare('SELECT name FROM model_pointers ORDER BY name').pluck();
  const selectUsers = db.prepare('SELECT DISTINCT name FROM model_versions WHERE sha256 = ? ORDER BY name').pluck();
  const deleteVersions = db.prepare('DELETE FROM model_versions WHERE name = ?');
  const deletePointer = db.prepare('DELETE FROM model_pointers WHERE name = ?');

  const toVersion = (row: unknown): ModelVersion | undefined => {
    if (row === undefined) return undefined;
    const r = row as { name: string; version: number; sha256: string; settings: string; created_at: number };
    return { name: r.name, version: r.version, sha256: r.sha256, settings: versionSettingsSchema.parse(JSON.parse(r.settings)), createdAt: r.created_at };
  };
  const toPointer = (row: unknown): ModelPointer | undefined => {
    if (row === undefined) return undefined;
    const r = row as { name: string; current: number; previous: number | null; canary: number | null; canary_percent: number | null; updated_at: number };
    return { name: r.name, current: r.current, previous: r.previous, canary: r.canary, canaryPercent: r.canary_percent, updatedAt: r.updated_at };
  };
  const requireVersion = (name: string, version: number): ModelVersion => {
    const found = toVersion(selectVersion.get(name, version));
    if (found === undefined) throw notFound(`${name} has no version ${version} (see \`flambeau models show ${name}\`).`);
    return found;
  };
  const requirePointer = (name: string): ModelPointer => {
    const found = toPointer(selectPointer.get(name));
    if (found === undefined) throw notFound(`no served model named ${name} (pull or import one with --name ${name}).`);
    return found;
  };

  return {
    add: db.transaction((name: string, sha256: string, settings: VersionSettings = {}): ModelVersion => {
      const version = nextVersion.get(name) as number;
      const createdAt = now();
      insertVersion.run(name, version, sha256, JSON.stringify(versionSettingsSchema.parse(settings)), createdAt);
      if (selectPointer.get(name) === undefined)
        upsertPointer.run({ name, current: version, previous: null, canary: null, canaryPercent: null, updatedAt: createdAt });
      return { name, version, sha256, settings, createdAt };
    }),
    promote: db.transaction((name: string, version: number, options: { canaryPercent?: number } = {}): ModelPointer => {
      const pointer = requirePointer(name);
      requireVersion(name, version);
      const percent = options.canaryPercent;
      if (percent !== undefined) {
        if (!Number.isInteger(percent) || percent < 1 || percent > 99)
          throw new FlambeauError('invalid_request', `--canary takes a whole percent from 1 to 99, got ${percent}.`, { param: 'canary' });
        if (version === pointer.current) throw new FlambeauError('invalid_request', `${name} v${version} is already the current version.`);
        const next = { ...pointer, canary: version, canaryPercent: percent, updatedAt: now() };
        upsertPointer.run(next);
        return next;
      }
      const next =
        version === pointer.current
          ? { ...pointer, canary: null, canaryPercent: null, updatedAt: now() }
          : { ...pointer, current: version, previous: pointer.current, canary: null, canaryPercent: null, updatedAt: now() };
      upsertPointer.run(next);
      return next;
    }),
    rollback: db.transaction((name: string): ModelPointer => {
      const pointer = requirePointer(name);
      if (pointer.canary !== null) {
        const next = { ...pointer, canary: null, canaryPercent: null, updatedAt: now() };
        upsertPointer.run(next);
        return next;
      }
      if (pointer.previous === null) throw new FlambeauError('invalid_request', `${name} has no previous version to roll back to.`);
      const next = { ...pointer, current: pointer.previous, previous: pointer.current, updatedAt: now() };
      upsertPointer.run(next);
      return next;
    }),
    pointer: (name) => toPointer(selectPointer.get(name)),
    versions: (name) => selectVersions.all(name).map((row) => toVersion(row) as ModelVersion),
    names: () => selectNames.all() as string[],
    usersOf: (sha256) => selectUsers.all(sha256) as string[],
    removeName: db.transaction((name: string) => {
      deletePointer.run(name);
      deleteVersions.run(name);
    }),
    pick(name, turn = 0) {
      const pointer = toPointer(selectPointer.get(name));
      if (pointer === undefined) return undefined;
      return toVersion(selectVersion.get(name, versionForTurn(pointer, turn)));
    },
  };
}
