import { FlambeauError } from '../errors/index.js';
import type { SqlClient, SqlExecutor } from '../store/sql.js';
import { budgetFromRow, budgetToRow } from './budget-columns.js';
import type { Budget, Limits } from './principal.js';
import { guardStore } from './store-guard.js';

export const TEAM_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export interface TeamRecord {
  id: string;
  budget: Budget | null;
  limits: Limits;
  createdAt: number;
  updatedAt: number;
}

/** Fields left undefined keep their value; null clears a budget or limit. */
export interface TeamChange {
  id: string;
  budget?: Budget | null;
  rpm?: number | null;
  tpm?: number | null;
}

export interface TeamStore {
  /** Creates the team or changes the given fields. */
  upsert(change: TeamChange, tx?: SqlExecutor): Promise<{ team: TeamRecord; created: boolean }>;
  /** Creates a team with no budget or limits if it does not exist yet (keys name teams freely); in `tx` when given. */
  ensure(id: string, tx?: SqlExecutor): Promise<void>;
  get(id: string): Promise<TeamRecord | null>;
  list(): Promise<TeamRecord[]>;
}

interface TeamRow {
  id: string;
  budget_nusd: number | null;
  budget_period: string | null;
  rpm: number | null;
  tpm: number | null;
  created_at: number;
  updated_at: number;
}

export function teamFromRow(row: TeamRow): TeamRecord {
  return {
    id: row.id,
    budget: budgetFromRow(row.budget_nusd, row.budget_period),
    limits: { rpm: row.rpm, tpm: row.tpm },
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export function checkTeamId(id: string): void {
  if (!TEAM_ID.test(id))
    throw new FlambeauError('invalid_request', `Invalid team name '${id.slice(0, 80)}': use 1-64 letters, digits, '.', '_' or '-'.`, { param: 'team' });
}

export function createTeamStore(sql: SqlClient, clock: () => number = Date.now): TeamStore {
  const select = (db: SqlExecutor, id: string) => db.get<TeamRow>('SELECT * FROM teams WHERE id = ?', [id]);

  /**
   * Creates the row if missing (ON CONFLICT DO NOTHING: a concurrent creator makes this wait for its
   * commit, then do nothing), then locks it (PostgreSQL: FOR UPDATE; SQLite's BEGIN IMMEDIATE holds
   * the file) and applies the change: two calls creating one team at once both succeed, one as the
   * creation and one as an update, instead of the second failing on the primary key.
   */
  async function upsertIn(tx: SqlExecutor, change: TeamChange): Promise<{ team: TeamRecord; created: boolean }> {
    const now = clock();
    const created = (await tx.run('INSERT INTO teams (id, created_at, updated_at) VALUES (?, ?, ?) ON CONFLICT (id) DO NOTHING', [change.id, now, now])) === 1;
    const before = await tx.get<TeamRow>(`SELECT * FROM teams WHERE id = ?${tx.dialect === 'postgres' ? ' FOR UPDATE' : ''}`, [change.id]);
    // Deleted by a call that committed between the insert and this read (PostgreSQL, read committed).
    if (before === undefined) throw new FlambeauError('conflict', `Team "${change.id}" was deleted while this change was being saved: send it again.`);
    const current = created ? null : teamFromRow(before);
    const budget = change.budget === undefined ? (current?.budget ?? null) : change.budget;
    const row = budgetToRow(budget);
    const rpm = change.rpm === undefined ? (current?.limits.rpm ?? null) : change.rpm;
    const tpm = change.tpm === undefined ? (current?.limits.tpm ?? null) : change.tpm;
    await tx.run('UPDATE teams SET budget_nusd = ?, budget_period = ?, rpm = ?, tpm = ?, updated_at = ? WHERE id = ?', [
      row.budget_nusd,
      row.budget_period,
      rpm,
      tpm,
      now,
      change.id,
    ]);
    return { team: teamFromRow((await select(tx, change.id)) as TeamRow), created };
  }

  return {
    upsert(change, outer) {
      checkTeamId(change.id);
      return guardStore(sql, 'saving a team', () => (outer ?? sql).transaction((tx) => upsertIn(tx, change)));
    },
    async ensure(id, tx) {
      checkTeamId(id);
      await guardStore(sql, 'saving a team', () =>
        (tx ?? sql).run('INSERT INTO teams (id, created_at, updated_at) VALUES (?, ?, ?) ON CONFLICT (id) DO NOTHING', [id, clock(), clock()]),
      );
    },
    async get(id) {
      const row = await guardStore(sql, 'reading a team', () => select(sql, id));
      return row === undefined ? null : teamFromRow(row);
    },
    async list() {
      return (await guardStore(sql, 'listing teams', () => sql.all<TeamRow>('SELECT * FROM teams ORDER BY id'))).map(teamFromRow);
    },
  };
}
