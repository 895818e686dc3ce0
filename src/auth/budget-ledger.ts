import { randomFillSync } from 'node:crypto';
import { FlambeauError } from '../errors/index.js';
import type { SqlClient, SqlExecutor } from '../store/sql.js';
import { createTurnBatcher } from '../store/turn-batch.js';
import { fromNano, toNano } from './budget-columns.js';
import { dayStart, periodBounds } from './budget-period.js';
import type { LocalHolds } from './local-holds.js';
import { budgetChecks, type BudgetCheck } from './memory-hold-book.js';
import type { Budget, KeyPrincipal } from './principal.js';
import { guardStore, storeError } from './store-guard.js';

/** A worst-case cost held against the key's and the team's budgets while a call runs. */
export interface Reservation {
  /** Null when nothing was held: a free call, or no budget applies. Settling still records spend. */
  readonly id: string | null;
  readonly keyId: string | null;
  readonly team: string | null;
  readonly amountUsd: number;
}

export interface BudgetUse {
  period: Budget['period'];
  periodStart: number;
  /** Null for `total`. */
  resetsAt: number | null;
  spentUsd: number;
  /** Held by calls in flight (unexpired reservations). */
  reservedUsd: number;
}

export interface BudgetLedger {
  /**
   * Holds `maxCostUsd` against the key's budget and its team's, in one transaction that checks
   * spent + reserved + this ≤ limit for each: concurrent calls, in this process or in any other
   * sharing the store, can never together overspend. SQLite: `BEGIN IMMEDIATE` (one writer at a
   * time); PostgreSQL: the key's and the team's rows are locked (`SELECT … FOR UPDATE`, key then
   * team) before the sums are read. A free call (0, e.g. a device-local model) is never refused
   * and touches no table. Throws `budget_exhausted` (402) naming the budget, or
   * `store_unavailable` (503). The holds asked for in one turn of the event loop share one
   * transaction (a group commit), each checked after those before it; each resolves once it
   * is committed. With `local`, while this gateway is the only one on its SQLite file, the hold
   * is kept in memory instead, checked against the spend in the file, and resolves at once
   * (decision 0020).
   */
  reserve(principal: KeyPrincipal, request: { maxCostUsd: number }): Promise<Reservation>;
  /**
   * Replaces the hold by the real cost (charged even beyond the hold: it was spent). Idempotent.
   * Inside the caller's transaction when `tx` is given (the request recorder's).
   */
  settle(reservation: Reservation, actualCostUsd: number, tx?: SqlExecutor): Promise<void>;
  /** `settle` for several reservations at once (a group commit's): the holds dropped by one statement, one charge per key or team. */
  settleMany(settlements: readonly { reservation: Reservation; actualCostUsd: number }[], tx?: SqlExecutor): Promise<void>;
  /** Drops the hold without charging (the call failed before any cost). Idempotent. */
  release(reservation: Reservation): Promise<void>;
  /** What a key or team has spent and holds in the current period of `period`. */
  use(scope: { keyId: string } | { team: string }, period: Budget['period']): Promise<BudgetUse>;
}

export interface BudgetLedgerOptions {
  sql: SqlClient;
  clock?: () => number;
  /**
   * How long a hold counts if never settled or released (its process crashed). Must exceed the
   * longest call (providers' `timeouts.total_ms`, 10 minutes by default): default 15 minutes.
   */
  reservationTtlMs?: number;
  /** Most holds written by one group commit (default 64). */
  maxGroup?: number;
  /**
   * SQLite only: this instance's place in the store's registry (local-holds.ts, decision 0020),
   * joined by the caller. While it is the only gateway on the file, holds live in memory (no
   * transaction); otherwise they are rows, as without it. Its `reservationTtlMs` must be this one.
   */
  local?: LocalHolds;
}

export const DEFAULT_RESERVATION_TTL_MS = 15 * 60_000;

// Hold ids come from one pool of random bytes, refilled when spent (one getrandom call per 4 KiB, not one per hold).
const pool = Buffer.alloc(4096);
let poolAt = pool.length;
/** 12 random bytes, base64url. */
function randomId(): string {
  if (poolAt + 12 > pool.length) {
    randomFillSync(pool);
    poolAt = 0;
  }
  poolAt += 12;
  return pool.toString('base64url', poolAt - 12, poolAt);
}

/** A hold waiting for its group's commit (nano-USD). */
interface PendingHold {
  principal: KeyPrincipal;
  amount: number;
}

const DROP_ONE = 'DELETE FROM budget_reservations WHERE id = ?';
/** Ids per multi-row DELETE (SQLite and PostgreSQL both take far more parameters). */
const DELETE_CHUNK = 64;
const CHARGE =
  'INSERT INTO budget_spend (scope, day, spent_nusd) VALUES (?, ?, ?) ON CONFLICT (scope, day) DO UPDATE SET spent_nusd = budget_spend.spent_nusd + excluded.spent_nusd';

export function createBudgetLedger(options: BudgetLedgerOptions): BudgetLedger {
  const { sql } = options;
  const local = options.local ?? null;
  const clock = options.clock ?? Date.now;
  const ttl = options.reservationTtlMs ?? DEFAULT_RESERVATION_TTL_MS;
  const finished = new WeakSet<Reservation>();
  const maxGroup = options.maxGroup ?? 64;

  /** A synchronous step on the store (the memory path reads SQLite directly), its failures translated as `guardStore` does. */
  function guardSync<T>(work: () => T): T {
    try {
      return work();
    } catch (thrown) {
      throw storeError(sql, 'reserving budget', thrown);
    }
  }

  // Group commit of holds: those asked for during one turn of the event loop are written by one
  // transaction when it ends (setImmediate); one group at a time, the next forms meanwhile.
  const hold = createTurnBatcher<PendingHold, string>({
    maxGroup,
    writeOne: (only) => guardStore(sql, 'reserving budget', () => sql.transaction((tx) => reserveIn(tx, only.principal, only.amount, clock()))),
    writeGroup: (group) => guardStore(sql, 'reserving budget', () => sql.transaction((tx) => reserveGroup(tx, group, clock()))),
  });

  async function measure(
    db: SqlExecutor,
    scope: { keyId: string } | { team: string },
    period: Budget['period'],
    now: number,
  ): Promise<{ use: BudgetUse; spent: number; held: number }> {
    const bounds = periodBounds(period, now);
    // One statement, so one snapshot (PostgreSQL's READ COMMITTED takes one per statement): a
    // settle committing between two reads would move its amount from held to spent unseen.
    const row = await db.get<{ spent: number; held: number }>(
      `SELECT (SELECT COALESCE(SUM(spent_nusd), 0) FROM budget_spend WHERE scope = ? AND day >= ?) AS spent,
        (SELECT COALESCE(SUM(amount_nusd), 0) FROM budget_reservations WHERE ${'keyId' in scope ? 'key_id' : 'team'} = ? AND expires_at > ?) AS held`,
      ['keyId' in scope ? `key:${scope.keyId}` : `team:${scope.team}`, bounds.start, 'keyId' in scope ? scope.keyId : scope.team, now],
    );
    const spent = row?.spent ?? 0;
    const held = row?.held ?? 0;
    return { spent, held, use: { period, periodStart: bounds.start, resetsAt: bounds.end, spentUsd: fromNano(spent), reservedUsd: fromNano(held) } };
  }

  /**
   * The holds asked for in one turn of the event loop, in one transaction (a group commit). On
   * PostgreSQL the budget rows are locked first, every key (in id order) then every team: the
   * order a single hold takes them in (key, then team), so groups and single holds on several
   * instances never wait on each other in a cycle. Each hold is then checked and inserted in
   * turn, so it sees the holds before it: a refusal is that hold's alone.
   */
  async function reserveGroup(tx: SqlExecutor, group: readonly PendingHold[], now: number): Promise<PromiseSettledResult<string>[]> {
    if (tx.dialect === 'postgres') {
      const keys = new Set<string>();
      const teams = new Set<string>();
      for (const { principal } of group) {
        if (principal.budget !== null && principal.keyId !== null) keys.add(principal.keyId);
        if (principal.team?.budget != null) teams.add(principal.team.id);
      }
      for (const id of [...keys].sort()) await tx.get('SELECT 1 FROM api_keys WHERE id = ? FOR UPDATE', [id]);
      for (const id of [...teams].sort()) await tx.get('SELECT 1 FROM teams WHERE id = ? FOR UPDATE', [id]);
    }
    await tx.run('DELETE FROM budget_reservations WHERE expires_at <= ?', [now]);
    const settled: PromiseSettledResult<string>[] = [];
    for (const hold of group) {
      try {
        settled.push({ status: 'fulfilled', value: await checkAndHold(tx, hold.principal, hold.amount, now) });
      } catch (error) {
        // A refusal is a value for this hold; anything else (the store) fails the group.
        if (!(error instanceof FlambeauError && error.code === 'budget_exhausted')) throw error;
        settled.push({ status: 'rejected', reason: error });
      }
    }
    return settled;
  }

  async function reserveIn(tx: SqlExecutor, principal: KeyPrincipal, amount: number, now: number): Promise<string> {
    if (tx.dialect === 'postgres') {
      // The budget rows, always key then team: holds on one budget queue here, across instances.
      if (principal.budget !== null && principal.keyId !== null) await tx.get('SELECT 1 FROM api_keys WHERE id = ? FOR UPDATE', [principal.keyId]);
      if (principal.team?.budget != null) await tx.get('SELECT 1 FROM teams WHERE id = ? FOR UPDATE', [principal.team.id]);
    }
    await tx.run('DELETE FROM budget_reservations WHERE expires_at <= ?', [now]);
    return checkAndHold(tx, principal, amount, now);
  }

  /** Checks spent + held + this against the key's and the team's budgets, then inserts the hold. The rows are locked already. */
  async function checkAndHold(tx: SqlExecutor, principal: KeyPrincipal, amount: number, now: number): Promise<string> {
    for (const check of budgetChecks(principal)) {
      const { spent, held, use } = await measure(tx, check.scope === 'key' ? { keyId: check.id } : { team: check.id }, check.budget.period, now);
      if (spent + held + amount > toNano(check.budget.usd)) throw exhausted(check, use, amount);
    }
    const id = `rsv_${randomId()}`;
    await tx.run('INSERT INTO budget_reservations (id, key_id, team, amount_nusd, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)', [
      id,
      principal.keyId,
      principal.team?.id ?? null,
      amount,
      now,
      now + ttl,
    ]);
    return id;
  }

  /**
   * Drops the holds and charges the costs (nano-USD), one charge per scope: a group's settlements
   * in a few statements. A hold kept in memory has no row to delete; it is dropped from memory
   * once the charges are written (in between it counts twice, never zero times).
   */
  async function settleIn(tx: SqlExecutor, settlements: readonly { reservation: Reservation; cost: number }[], now: number): Promise<void> {
    const ids: string[] = [];
    const charges = new Map<string, number>();
    const charge = (scope: string, cost: number) => charges.set(scope, (charges.get(scope) ?? 0) + cost);
    // Decided inside the transaction: a hand-over (which writes memory holds as rows) cannot run meanwhile.
    const memoryOnly = settlements.map(({ reservation }) => local !== null && reservation.id !== null && local.memoryOnly(reservation.id));
    for (const [i, { reservation, cost }] of settlements.entries()) {
      if (reservation.id !== null && memoryOnly[i] !== true) ids.push(reservation.id);
      if (cost <= 0) continue;
      if (reservation.keyId !== null) charge(`key:${reservation.keyId}`, cost);
      if (reservation.team !== null) charge(`team:${reservation.team}`, cost);
    }
    for (let i = 0; i < ids.length; i += DELETE_CHUNK) {
      const chunk = ids.slice(i, i + DELETE_CHUNK);
      await tx.run(chunk.length === 1 ? DROP_ONE : `DELETE FROM budget_reservations WHERE id IN (${chunk.map(() => '?').join(', ')})`, chunk);
    }
    const day = dayStart(now);
    for (const [scope, cost] of charges) await tx.run(CHARGE, [scope, day, cost]);
    local?.settled(
      settlements.map(({ reservation, cost }, i) => ({
        id: reservation.id,
        keyId: reservation.keyId,
        team: reservation.team,
        cost,
        memoryOnly: memoryOnly[i] === true,
      })),
    );
  }

  return {
    async reserve(principal, request) {
      if (!Number.isFinite(request.maxCostUsd)) throw new FlambeauError('internal', `A budget reservation needs a finite cost, got ${request.maxCostUsd}.`);
      const amount = Math.max(0, toNano(request.maxCostUsd));
      const base = { keyId: principal.keyId, team: principal.team?.id ?? null, amountUsd: fromNano(amount) };
      const budgeted = (principal.budget !== null && principal.keyId !== null) || principal.team?.budget != null;
      if (amount === 0 || !budgeted) return { id: null, ...base };
      if (local === null) return { id: await hold({ principal, amount }), ...base };
      let route = guardSync(() => local.route());
      while (typeof route !== 'string') {
        await route;
        route = guardSync(() => local.route());
      }
      if (route === 'memory') {
        // Alone on the store: checked against the cached spend and the holds in memory, no commit.
        const id = `rsv_${randomId()}`;
        const refusal = guardSync(() => local.tryHold(principal, amount, id, clock()));
        if (refusal !== null) throw exhausted(refusal.check, refusal.use, amount);
        return { id, ...base };
      }
      local.durableStarted();
      try {
        return { id: await hold({ principal, amount }), ...base };
      } finally {
        local.durableEnded();
      }
    },
    settle(reservation, actualCostUsd, tx) {
      return this.settleMany([{ reservation, actualCostUsd }], tx);
    },
    async settleMany(given, tx) {
      const settlements: { reservation: Reservation; cost: number }[] = [];
      for (const { reservation, actualCostUsd } of given) {
        if (finished.has(reservation)) continue;
        // A cost that cannot be computed is charged as the hold: never less than was reserved.
        const cost = Number.isFinite(actualCostUsd) ? Math.max(0, toNano(actualCostUsd)) : toNano(reservation.amountUsd);
        if (reservation.id !== null || (cost > 0 && (reservation.keyId !== null || reservation.team !== null))) settlements.push({ reservation, cost });
      }
      if (settlements.length > 0) await guardStore(sql, 'settling budget', () => (tx ?? sql).transaction((inner) => settleIn(inner, settlements, clock())));
      for (const { reservation } of given) finished.add(reservation);
    },
    async release(reservation) {
      if (finished.has(reservation)) return;
      // A hold only in memory: nothing to delete.
      if (reservation.id !== null && local?.release(reservation.id) === true) {
        finished.add(reservation);
        return;
      }
      if (reservation.id !== null) await guardStore(sql, 'releasing budget', () => sql.run(DROP_ONE, [reservation.id]));
      finished.add(reservation);
    },
    async use(scope, period) {
      const { use } = await guardStore(sql, 'reading budget use', () => measure(sql, scope, period, clock()));
      const inMemory = local?.heldOf('keyId' in scope ? `key:${scope.keyId}` : `team:${scope.team}`) ?? 0;
      return inMemory === 0 ? use : { ...use, reservedUsd: fromNano(toNano(use.reservedUsd) + inMemory) };
    },
  };
}

function exhausted(check: BudgetCheck, use: BudgetUse, amount: number): FlambeauError {
  const owner = check.scope === 'key' ? `API key ${check.id}` : `team ${check.id}`;
  const per = ADJECTIVE[check.budget.period];
  const left = Math.max(0, check.budget.usd - use.spentUsd - use.reservedUsd);
  const resets = use.resetsAt === null ? 'it does not reset' : `it resets on ${new Date(use.resetsAt).toISOString()}`;
  const message =
    use.spentUsd + use.reservedUsd >= check.budget.usd
      ? `The ${per} budget of ${owner} is exhausted: ${usd(use.spentUsd)} spent and ${usd(use.reservedUsd)} held by calls in flight, of ${usd(check.budget.usd)}; ${resets}.`
      : `This request could cost up to ${usd(fromNano(amount))}, more than the ${usd(left)} left in the ${per} budget of ${owner} (${usd(check.budget.usd)}); lower max_tokens, or wait: ${resets}.`;
  return new FlambeauError('budget_exhausted', message, {
    details: {
      scope: check.scope,
      [check.scope === 'key' ? 'keyId' : 'team']: check.id,
      limitUsd: check.budget.usd,
      period: check.budget.period,
      spentUsd: use.spentUsd,
      reservedUsd: use.reservedUsd,
      requestMaxCostUsd: fromNano(amount),
      resetsAt: use.resetsAt === null ? null : new Date(use.resetsAt).toISOString(),
    },
  });
}

const ADJECTIVE: Record<Budget['period'], string> = { day: 'daily', week: 'weekly', month: 'monthly', total: 'total' };

function usd(value: number): string {
  return `$${value < 0.01 && value > 0 ? value.toPrecision(2) : value.toFixed(2)}`;
}
