import { FlambeauError } from '../errors/index.js';
import type { Db } from '../store/store.js';
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
  upsert(change: TeamChange): { team: TeamRecord; created: boolean };
  /** Creates a team with no budget or limits if it does not exist yet (keys name teams freely). */
  ensure(id: string): void;
  get(id: string): TeamRecord | null;
  list(): TeamRecord[];
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

export function createTeamStore(db: Db, clock: () => number = Date.now): TeamStore {
  const select = db.prepare<[string], TeamRow>('SELECT * FROM teams WHERE id = ?');
  const selectAll = db.prepare<[], TeamRow>('SELECT * FROM teams ORDER BY id');
  const insert = db.prepare(
    'INSERT INTO teams (id, budget_nusd, budget_period, rpm, tpm, created_at, updated_at) VALUES (@id, @budget_nusd, @budget_period, @rpm, @tpm, @now, @now)',
  );
  const insertIfMissing = db.prepare('INSERT INTO teams (id, created_at, updated_at) VALUES (?, ?, ?) ON CONFLICT (id) DO NOTHING');
  const update = db.prepare(
    'UPDATE teams SET budget_nusd = @budget_nusd, budget_period = @budget_period, rpm = @rpm, tpm = @tpm, updated_at = @now WHERE id = @id',
  );

  const upsertTx = db.transaction((change: TeamChange): { team: TeamRecord; created: boolean } => {
    const now = clock();
    const before = select.get(change.id);
    const current = before === undefined ? null : teamFromRow(before);
    const budget = change.budget === undefined ? (current?.budget ?? null) : change.budget;
    const row = {
      id: change.id,
      ...budgetToRow(budget),
      rpm: change.rpm === undefined ? (current?.limits.rpm ?? null) : change.rpm,
      tpm: change.tpm === undefined ? (current?.limits.tpm ?? null) : change.tpm,
      now,
    };
    if (before === undefined) insert.run(row);
    else update.run(row);
    return { team: teamFromRow(select.get(change.id) as TeamRow), created: before === undefined };
  });

  return {
    upsert(change) {
      checkTeamId(change.id);
      return guardStore(db, 'saving a team', () => upsertTx.immediate(change));
    },
    ensure(id) {
      checkTeamId(id);
      guardStore(db, 'saving a team', () => insertIfMissing.run(id, clock(), clock()));
    },
    get(id) {
      const row = guardStore(db, 'reading a team', () => select.get(id));
      return row === undefined ? null : teamFromRow(row);
    },
    list() {
      return guardStore(db, 'listing teams', () => selectAll.all()).map(teamFromRow);
    },
  };
}
