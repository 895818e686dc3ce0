import type Database from 'better-sqlite3';
import { FlambeauError } from '../errors/index.js';
import type { SqlClient } from '../store/sql.js';
import { createInstanceRegistry, type InstanceRegistry, type InstanceRegistryOptions } from './instance-registry.js';
import { createHoldBook, type Refusal } from './memory-hold-book.js';
import type { KeyPrincipal } from './principal.js';

/**
 * Budget holds in memory while this gateway is the only one serving from its SQLite file
 * (decision 0020). The state of this instance:
 * - `joining`: registered, waiting until every other live instance has written its memory holds
 *   as rows and switched to durable holds; no hold is made meanwhile.
 * - `memory`: alone; holds live in this process and are checked against the spend (and any
 *   durable holds left) read from SQLite, cached per scope and re-read when another connection
 *   has committed (`PRAGMA data_version`).
 * - `leaving`: another instance registered; the memory holds are being written as rows.
 * - `durable`: others are registered; holds are `budget_reservations` rows (the group commit).
 * - `entering`: the others left; switching back to memory.
 * - `left`: unregistered (shutdown); the holds still in flight were written as rows.
 */
export type HoldState = 'joining' | 'memory' | 'leaving' | 'durable' | 'entering' | 'left';

export interface LocalHolds {
  readonly registry: InstanceRegistry;
  state(): HoldState;
  /**
   * Where the next hold goes: `memory`, `durable`, or a promise to await while a hand-over runs
   * (rejects with `store_unavailable` after `handoverTimeoutMs`). Cheap in memory mode: at most
   * one `PRAGMA data_version` per turn of the event loop, shared with the SQL client's other readers; a change starts a look at the registry (the hold still goes to memory:
   * a newcomer waits for this instance to write them down).
   */
  route(): 'memory' | 'durable' | Promise<void>;
  /** Checks spent + held + `amount` (nano-USD) against each budget and, if all allow, holds it in memory as `id`. Synchronous. */
  tryHold(principal: KeyPrincipal, amount: number, id: string, now: number): Refusal | null;
  /** A durable hold is being written (no switch to memory until it is). */
  durableStarted(): void;
  durableEnded(): void;
  /** Inside a settlement's transaction, before its statements: true when `id` is held only in memory (no row to delete). */
  memoryOnly(id: string): boolean;
  /** After a settlement's statements ran: drops its memory holds and brings the cached spend up to date. */
  settled(done: readonly { id: string | null; keyId: string | null; team: string | null; cost: number; memoryOnly: boolean }[]): void;
  /** Drops a memory hold; true when nothing else is needed (no row can exist for it). */
  release(id: string): boolean;
  /** nano-USD held in memory for `key:ID` or `team:ID`. */
  heldOf(scope: string): number;
  /** Registers this instance (memory when alone and allowed). */
  join(): Promise<void>;
  /** Writes the holds in flight as rows and removes this instance's row. */
  leave(): Promise<void>;
}

export interface LocalHoldsOptions {
  /** The raw connection of `sql` (the same one: reads here see the client's writes). */
  db: Database.Database;
  sql: SqlClient;
  clock?: () => number;
  /** How long a hold counts if never settled (as the ledger's `reservationTtlMs`). */
  reservationTtlMs: number;
  /** How often an instance looks at the registry when nothing else made it (default 250 ms). */
  watchMs?: number;
  /** How often a joining instance looks for the others' acknowledgement (default 20 ms). */
  pollMs?: number;
  /** How long a hold waits for a hand-over before `store_unavailable` (default 5 s). */
  handoverTimeoutMs?: number;
  /** How long a cached spend is trusted without a change seen (default 1 s). */
  spendCacheMs?: number;
  registry?: Omit<InstanceRegistryOptions, 'db' | 'clock'>;
  onState?: (state: HoldState) => void;
  onError?: (error: unknown) => void;
}

export function createLocalHolds(options: LocalHoldsOptions): LocalHolds {
  const { db, sql } = options;
  const clock = options.clock ?? Date.now;
  const watchMs = options.watchMs ?? 250;
  const pollMs = options.pollMs ?? 20;
  const handoverTimeoutMs = options.handoverTimeoutMs ?? 5_000;
  const spendCacheMs = options.spendCacheMs ?? 1_000;
  const registry = createInstanceRegistry({ db, clock, ...options.registry });
  const book = createHoldBook({ db, reservationTtlMs: options.reservationTtlMs, spendCacheMs });
  let state: HoldState = 'joining';
  let gate: Promise<void> | null = null;
  let version = -1;
  let checking = false;
  let durableInFlight = 0;
  // Alone, but durable holds were being written: look again once the last one is (steady load
  // rarely leaves none in flight at a tick).
  let aloneSeen = false;
  let timer: NodeJS.Timeout | undefined;
  let poll: NodeJS.Timeout | undefined;
  const setState = (next: HoldState) => {
    if (next === state) return;
    state = next;
    options.onState?.(next);
  };
  /** Blocks routing until `work` ends (a hand-over): holds wait instead of choosing a side mid-way. */
  function closeGate(work: () => Promise<void>): Promise<void> {
    const running = work().finally(() => {
      if (gate === running) gate = null;
    });
    gate = running;
    return running;
  }
  const write = <T>(work: () => T): Promise<T> => sql.transaction(async () => work());

  // `PRAGMA data_version` is read at most once per turn of the event loop for the holds (~5 µs
  // each under load: it opens a read of the WAL index). Safe by the argument of decision 0020: a
  // commit of another connection seen one turn late is the race between a read and a hold that the
  // hand-over already covers (a memory hold made meanwhile is written down before the newcomer holds).
  // With the SQLite client's own per-turn read (`dataVersionThisTurn`), a hold takes the value the
  // versions refresh of the same request (or any read of this turn) already read: at c=1 one
  // `data_version` read per request instead of two.
  const turnVersion = sql.dataVersionThisTurn;
  let seenThisTurn = false;
  const nextTurn = (): void => {
    seenThisTurn = false;
  };
  function noticeChangeThisTurn(): void {
    if (turnVersion !== undefined) return noticeChange(turnVersion());
    if (seenThisTurn) return;
    seenThisTurn = true;
    setImmediate(nextTurn);
    noticeChange();
  }

  /** Another connection committed: the cached spend may be stale, and someone may have registered. */
  function noticeChange(seen = registry.dataVersion()): void {
    if (seen === version) return;
    version = seen;
    book.forgetAll();
    void look();
  }

  /** Reads the registry and moves between memory and durable holds as it says. */
  async function look(): Promise<void> {
    if (checking || gate !== null) return;
    checking = true;
    try {
      const { live, dead } = registry.others();
      if (state === 'memory') {
        // Our own row gone (deleted by hand): a newcomer may think it is alone; write down and re-register.
        if (live.length > 0 || !registry.registered()) await closeGate(handOver);
        else if (dead.length > 0) await write(() => registry.remove(dead.map((row) => row.id)));
      } else if (state === 'durable') {
        if (dead.length > 0) await write(() => registry.remove(dead.map((row) => row.id)));
        aloneSeen = live.length === 0 && durableInFlight > 0;
        if (live.length === 0 && durableInFlight === 0) await closeGate(enterMemory);
      }
    } catch (error) {
      options.onError?.(error);
    } finally {
      checking = false;
    }
  }

  /** A newcomer registered: write every memory hold as a row and say so (mode durable), in one transaction. */
  async function handOver(): Promise<void> {
    setState('leaving');
    try {
      const waitFor = await write(() => {
        book.writeDown(clock());
        if (registry.registered()) registry.setMode('durable');
        else registry.register('durable');
        // Only when our row had vanished can another instance have gone to memory meanwhile.
        return registry.others().live.some((row) => row.mode === 'memory');
      });
      // Every hold is a row now: settling one deletes it.
      book.clear();
      if (waitFor) {
        setState('joining');
        void awaitAcknowledgement();
      } else setState('durable');
    } catch (error) {
      // Still memory in the registry: the newcomer keeps waiting; the next look tries again.
      setState('memory');
      throw error;
    }
  }

  /** The others left: back to memory, if still alone when the write lock is ours. */
  async function enterMemory(): Promise<void> {
    setState('entering');
    let alone = false;
    try {
      alone = await write(() => {
        const { live, dead } = registry.others();
        registry.remove(dead.map((row) => row.id));
        if (live.length > 0 || !registry.registered()) return false;
        registry.setMode('memory');
        // Read under the write lock (nobody else can commit now): any later registration changes it.
        version = registry.dataVersion();
        return true;
      });
    } finally {
      if (alone) book.forgetAll();
      setState(alone ? 'memory' : 'durable');
    }
  }

  /** A joining instance: durable holds only once no live instance holds in memory. */
  function awaitAcknowledgement(): Promise<void> {
    return closeGate(
      () =>
        new Promise<void>((resolve) => {
          const tick = () => {
            try {
              const { live, dead } = registry.others();
              if (dead.length > 0) void write(() => registry.remove(dead.map((row) => row.id))).catch(options.onError);
              if (!live.some((row) => row.mode === 'memory')) {
                setState('durable');
                resolve();
                return;
              }
            } catch (error) {
              options.onError?.(error);
            }
            poll = setTimeout(tick, pollMs);
            poll.unref();
          };
          tick();
        }),
    );
  }

  function waitGate(current: Promise<void>): Promise<void> {
    let timeout: NodeJS.Timeout | undefined;
    const late = new Promise<void>((_, reject) => {
      timeout = setTimeout(
        () =>
          reject(
            new FlambeauError(
              'store_unavailable',
              'Another gateway instance is taking over this SQLite store and the hand-over of budget holds has not finished; retry shortly.',
              { details: { store: 'sqlite', waitingFor: 'budget-hold-hand-over' } },
            ),
          ),
        handoverTimeoutMs,
      );
    });
    // A hand-over that failed leaves the state as it was: the caller routes again.
    return Promise.race([current.catch(() => undefined), late]).finally(() => clearTimeout(timeout));
  }

  function onTick(): void {
    try {
      if (state === 'memory') {
        book.sweep(clock());
        noticeChange();
        // Also without a change seen: a hand-over that failed (the store refused the write) is tried again.
        void look();
      } else if (state === 'durable') void look();
    } catch (error) {
      options.onError?.(error);
    }
  }

  return {
    registry,
    state: () => state,
    route() {
      if (gate !== null) return waitGate(gate);
      if (state === 'memory') {
        noticeChangeThisTurn();
        // The look may have begun a hand-over at once.
        return gate !== null ? waitGate(gate) : state === 'memory' ? 'memory' : 'durable';
      }
      if (state === 'durable') return 'durable';
      if (state === 'joining') throw new FlambeauError('internal', 'A budget hold was asked for before the instance joined the registry.');
      throw new FlambeauError('store_unavailable', 'This gateway has left its store (shutting down); the hold was refused.', {
        details: { store: 'sqlite', state },
      });
    },
    tryHold: (principal, amount, id, now) => book.tryHold(principal, amount, id, now),
    durableStarted: () => void durableInFlight++,
    durableEnded() {
      durableInFlight--;
      if (durableInFlight === 0 && aloneSeen && state === 'durable') {
        aloneSeen = false;
        void look();
      }
    },
    memoryOnly: (id) => state === 'memory' && book.has(id),
    settled(done) {
      for (const { id, keyId, team, cost, memoryOnly } of done) {
        if (id !== null) book.drop(id);
        // Only spend was written: the cached sums move by the cost; a row was deleted too: read again.
        if (memoryOnly || id === null) book.charged(keyId, team, cost);
        else book.forget(keyId, team);
      }
    },
    release(id) {
      const inMemory = state === 'memory';
      return book.drop(id) && inMemory;
    },
    heldOf: (scope) => book.heldOf(scope),
    async join() {
      const outcome = await write(() => {
        const { live, dead } = registry.others();
        registry.remove(dead.map((row) => row.id));
        const mode = live.length === 0 ? 'memory' : 'durable';
        registry.register(mode);
        version = registry.dataVersion();
        return { mode, waitFor: live.some((row) => row.mode === 'memory') };
      });
      timer = setInterval(onTick, watchMs);
      timer.unref();
      if (outcome.mode === 'memory') setState('memory');
      else if (!outcome.waitFor) setState('durable');
      else void awaitAcknowledgement();
    },
    async leave() {
      clearInterval(timer);
      clearTimeout(poll);
      // A joining instance holds nothing: its wait for the others simply ends.
      if (state === 'joining') gate = null;
      while (gate !== null) await gate.catch(() => undefined);
      setState('left');
      // The calls still in flight keep their holds, as rows: a successor counts them until they expire.
      await write(() => {
        book.writeDown(clock());
        registry.remove([registry.id]);
      });
      book.clear();
    },
  };
}
