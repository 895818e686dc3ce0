import type Database from 'better-sqlite3';
import { fromNano, toNano } from './budget-columns.js';
import { periodBounds } from './budget-period.js';
import type { Budget, KeyPrincipal } from './principal.js';

/** One budget a hold is checked against. */
export interface BudgetCheck {
  scope: 'key' | 'team';
  id: string;
  budget: Budget;
}

/** The budgets a principal's holds are checked against: its key's, then its team's. */
export function budgetChecks(principal: KeyPrincipal): BudgetCheck[] {
  const checks: BudgetCheck[] = [];
  if (principal.budget !== null && principal.keyId !== null) checks.push({ scope: 'key', id: principal.keyId, budget: principal.budget });
  if (principal.team?.budget != null) checks.push({ scope: 'team', id: principal.team.id, budget: principal.team.budget });
  return checks;
}

/** Why a memory hold was refused: the budget and what it had used (USD), as the durable check reports it. */
export interface Refusal {
  check: BudgetCheck;
  use: { period: Budget['period']; periodStart: number; resetsAt: number | null; spentUsd: number; reservedUsd: number };
}

/**
 * The holds of one gateway kept in memory (decision 0020), and the spend they are checked
 * against: per scope and period, spent + durably held as read from the SQLite file (one SELECT on
 * the raw connection), cached until the period ends, `spendCacheMs` passes or the caller forgets
 * it (another connection committed; a row was settled). Synchronous throughout.
 */
export interface HoldBook {
  /** Checks spent + held + `amount` (nano-USD) against each budget and, if all allow, holds it as `id`. */
  tryHold(principal: KeyPrincipal, amount: number, id: string, now: number): Refusal | null;
  has(id: string): boolean;
  /** Drops a hold; false when it was not here. */
  drop(id: string): boolean;
  /** nano-USD held here for `key:ID` or `team:ID`. */
  heldOf(scope: string): number;
  /** Spend was charged in these scopes (nano-USD): the cached sums move by it. */
  charged(keyId: string | null, team: string | null, cost: number): void;
  /** These scopes changed otherwise (a row deleted): read them again at the next hold. */
  forget(keyId: string | null, team: string | null): void;
  /** Everything may have changed (another connection committed): read every scope again. */
  forgetAll(): void;
  /** Drops the holds whose TTL passed (as an unsettled row would expire). */
  sweep(now: number): void;
  /** Inserts every unexpired hold as a `budget_reservations` row, same id; run inside a transaction. The holds stay here. */
  writeDown(now: number): void;
  clear(): void;
}

interface MemoryHold {
  keyId: string | null;
  team: string | null;
  /** `key:ID` and `team:ID` (those that apply): where the hold counts in `heldBy`. */
  scopes: readonly string[];
  amount: number;
  createdAt: number;
  expiresAt: number;
}

/** What a principal's holds need, derived once per principal object (the key cache hands the same one out while it is cached). */
interface Derived {
  /** What it was derived from: a principal object changed since is derived again. */
  keyId: string | null;
  budget: Budget | null;
  team: KeyPrincipal['team'];
  teamBudget: Budget | null | undefined;
  checks: { check: BudgetCheck; scope: string; cacheKey: string }[];
  scopes: string[];
}

/** Spent and durably held (nano-USD) in one scope's current period, as last read. */
interface Base {
  spent: number;
  held: number;
  start: number;
  end: number | null;
  readAt: number;
}

const PERIODS: readonly Budget['period'][] = ['day', 'week', 'month', 'total'];

export function createHoldBook(options: { db: Database.Database; reservationTtlMs: number; spendCacheMs: number }): HoldBook {
  const { db, reservationTtlMs, spendCacheMs } = options;
  const read = (column: 'key_id' | 'team') =>
    db.prepare(
      `SELECT (SELECT COALESCE(SUM(spent_nusd), 0) FROM budget_spend WHERE scope = ? AND day >= ?) AS spent,
        (SELECT COALESCE(SUM(amount_nusd), 0) FROM budget_reservations WHERE ${column} = ? AND expires_at > ?) AS held`,
    );
  const readKey = read('key_id');
  const readTeam = read('team');
  const insertRow = db.prepare('INSERT INTO budget_reservations (id, key_id, team, amount_nusd, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)');
  const holds = new Map<string, MemoryHold>();
  const heldBy = new Map<string, number>();
  const bases = new Map<string, Base>();

  const derived = new WeakMap<KeyPrincipal, Derived>();
  function derive(principal: KeyPrincipal): Derived {
    const found = derived.get(principal);
    if (
      found !== undefined &&
      found.keyId === principal.keyId &&
      found.budget === principal.budget &&
      found.team === principal.team &&
      found.teamBudget === principal.team?.budget
    )
      return found;
    const checks = budgetChecks(principal).map((check) => {
      const scope = `${check.scope}:${check.id}`;
      return { check, scope, cacheKey: `${scope}|${check.budget.period}` };
    });
    const scopes: string[] = [];
    eachScope(principal.keyId, principal.team?.id ?? null, (scope) => scopes.push(scope));
    const made = { keyId: principal.keyId, budget: principal.budget, team: principal.team, teamBudget: principal.team?.budget, checks, scopes };
    derived.set(principal, made);
    return made;
  }
  const addHeld = (scope: string, amount: number) => heldBy.set(scope, (heldBy.get(scope) ?? 0) + amount);
  const eachScope = (keyId: string | null, team: string | null, fn: (scope: string) => void) => {
    if (keyId !== null) fn(`key:${keyId}`);
    if (team !== null) fn(`team:${team}`);
  };
  function baseOf(check: BudgetCheck, scope: string, cacheKey: string, now: number): Base {
    let base = bases.get(cacheKey);
    if (base === undefined || now < base.start || (base.end !== null && now >= base.end) || now - base.readAt >= spendCacheMs) {
      const { start, end } = periodBounds(check.budget.period, now);
      const row = (check.scope === 'key' ? readKey : readTeam).get(scope, start, check.id, now) as { spent: number; held: number };
      base = { spent: row.spent, held: row.held, start, end, readAt: now };
      bases.set(cacheKey, base);
    }
    return base;
  }
  function drop(id: string): boolean {
    const hold = holds.get(id);
    if (hold === undefined) return false;
    holds.delete(id);
    for (const scope of hold.scopes) addHeld(scope, -hold.amount);
    return true;
  }

  return {
    tryHold(principal, amount, id, now) {
      const { checks, scopes } = derive(principal);
      for (const { check, scope, cacheKey } of checks) {
        const base = baseOf(check, scope, cacheKey, now);
        const held = base.held + (heldBy.get(scope) ?? 0);
        if (base.spent + held + amount > toNano(check.budget.usd)) {
          return {
            check,
            use: { period: check.budget.period, periodStart: base.start, resetsAt: base.end, spentUsd: fromNano(base.spent), reservedUsd: fromNano(held) },
          };
        }
      }
      const hold: MemoryHold = { keyId: principal.keyId, team: principal.team?.id ?? null, scopes, amount, createdAt: now, expiresAt: now + reservationTtlMs };
      holds.set(id, hold);
      for (const scope of scopes) addHeld(scope, amount);
      return null;
    },
    has: (id) => holds.has(id),
    drop,
    heldOf: (scope) => heldBy.get(scope) ?? 0,
    charged(keyId, team, cost) {
      eachScope(keyId, team, (scope) => {
        for (const period of PERIODS) {
          const base = bases.get(`${scope}|${period}`);
          if (base !== undefined) base.spent += cost;
        }
      });
    },
    forget(keyId, team) {
      eachScope(keyId, team, (scope) => {
        for (const period of PERIODS) bases.delete(`${scope}|${period}`);
      });
    },
    forgetAll: () => bases.clear(),
    sweep(now) {
      for (const [id, hold] of holds) if (hold.expiresAt <= now) drop(id);
    },
    writeDown(now) {
      for (const [id, hold] of holds) {
        if (hold.expiresAt > now) insertRow.run(id, hold.keyId, hold.team, hold.amount, hold.createdAt, hold.expiresAt);
      }
    },
    clear() {
      holds.clear();
      heldBy.clear();
    },
  };
}
