// What the group commits save (docs/decisions/0015, amendment): a request's budget hold and its
// durable record (audit record, usage row, request log row, settlement) on one SQLite home, in
// process, CPU per request when requests come one at a time (a group of 1: as before the group
// commits) and when 2, 6 or 20 come in the same turn of the event loop (one transaction each for
// their holds and for their records). Rounds interleaved; CPU is this process's (user + system).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AUDIT_HEAD_FILE, ensureAuditKey } from '../src/audit/audit-key.js';
import { createAuditLog } from '../src/audit/audit-log.js';
import { createRequestRecorder, type RequestOutcome } from '../src/audit/request-outcome.js';
import { createBudgetLedger, DEFAULT_RESERVATION_TTL_MS } from '../src/auth/budget-ledger.js';
import { createLocalHolds } from '../src/auth/local-holds.js';
import { createKeyStore } from '../src/auth/key-store.js';
import { createTeamStore } from '../src/auth/team-store.js';
import { MIGRATIONS } from '../src/store/migrations.js';
import { openStore } from '../src/store/store.js';
import { createRequestLog } from '../src/usage/request-log.js';
import { createUsageLog } from '../src/usage/usage-log.js';
import { fmt, table } from './stats.js';

const GROUPS = [1, 2, 6, 20];

export async function run(): Promise<void> {
  console.log('\n## Budget hold + durable record per request, alone vs in group commits (SQLite, in process)\n');
  // The server checkpoints the WAL on a worker thread (store/wal-checkpointer.ts); SQLite's own
  // checkpoints run inside a commit, on this thread: the wall time shows what they stall.
  const own = await measure(false);
  const threaded = await measure(true);
  // The server alone on its file holds budgets in memory (auth/local-holds.ts, decision 0020).
  const memory = await measure(true, true);
  const alone = own.cpu.get(1) ?? Number.NaN;
  table(
    ['requests per turn', 'CPU µs per request', 'wall µs', 'CPU vs alone', 'checkpoint thread: CPU µs', 'wall µs', '+ holds in memory: CPU µs', 'wall µs'],
    GROUPS.map((g) => [
      g,
      fmt(own.cpu.get(g) ?? Number.NaN, 0),
      fmt(own.wall.get(g) ?? Number.NaN, 0),
      fmt((own.cpu.get(g) ?? Number.NaN) / alone, 2),
      fmt(threaded.cpu.get(g) ?? Number.NaN, 0),
      fmt(threaded.wall.get(g) ?? Number.NaN, 0),
      fmt(memory.cpu.get(g) ?? Number.NaN, 0),
      fmt(memory.wall.get(g) ?? Number.NaN, 0),
    ]),
  );
}

/** CPU and wall µs per request for each group size, on a new home with SQLite's own checkpoints or the thread. */
async function measure(checkpointThread: boolean, memoryHolds = false): Promise<{ cpu: Map<number, number>; wall: Map<number, number> }> {
  const home = mkdtempSync(join(tmpdir(), 'flambeau-bench-record-'));
  const store = openStore(join(home, 'flambeau.db'), MIGRATIONS, { checkpointThread });
  if (store.checkpointer !== null) await store.checkpointer.ready();
  const local = memoryHolds ? createLocalHolds({ db: store.db, sql: store.sql, reservationTtlMs: DEFAULT_RESERVATION_TTL_MS }) : undefined;
  await local?.join();
  try {
    const teams = createTeamStore(store.sql);
    const keys = createKeyStore({ sql: store.sql, teams, masterKey: null });
    const { token } = await keys.create({ name: 'bench', team: 'bench-team', budget: { usd: 1e6, period: 'month' } });
    const principal = await keys.authenticate(`Bearer ${token}`);
    const key = ensureAuditKey(home).key;
    const ledger = createBudgetLedger({ sql: store.sql, ...(local === undefined ? {} : { local }) });
    const audit = createAuditLog({ sql: store.sql, keyed: { key, headPath: join(home, AUDIT_HEAD_FILE) } });
    const recorder = createRequestRecorder({ usage: createUsageLog(store.sql), audit, ledger, requestLog: createRequestLog(store.sql), labelKey: key });
    let n = 0;
    const outcome = (): RequestOutcome => ({
      requestId: `bench-${++n}`,
      startedAt: Date.now(),
      principal,
      endpoint: 'chat',
      endpointKnown: true,
      model: 'bench',
      modelKnown: true,
      route: null,
      provider: 'upstream',
      upstreamModel: 'bench-upstream',
      locality: 'cloud',
      privacy: { action: null, findings: {} },
      status: 200,
      errorCode: null,
      usage: { inputTokens: 12, outputTokens: 24, estimated: false },
      costUsd: 0.00001,
      heldUsd: 0.001,
      latencyMs: 1.25,
      log: { ttftMs: null, streamed: false },
    });
    /** `count` requests, `group` at a time: their holds asked together, then their records. */
    const requests = async (group: number, count: number) => {
      for (let i = 0; i < count; i += group) {
        const holds = await Promise.all(Array.from({ length: group }, () => ledger.reserve(principal, { maxCostUsd: 0.001 })));
        await Promise.all(holds.map((reservation) => recorder.recordRequestOutcome(outcome(), { reservation })));
      }
    };
    const per = Number(process.env.BENCH_RECORDS ?? 1200);
    const rounds = Number(process.env.BENCH_ROUNDS ?? 6);
    await requests(6, 600); // warm-up: JIT, statement cache, WAL
    const cpu = new Map(GROUPS.map((g) => [g, 0]));
    const wall = new Map(GROUPS.map((g) => [g, 0]));
    for (let r = 0; r < rounds; r++) {
      for (let j = 0; j < GROUPS.length; j++) {
        const group = GROUPS[(r + j) % GROUPS.length] as number;
        const count = Math.ceil(per / rounds / group) * group;
        const c0 = process.cpuUsage();
        const t0 = performance.now();
        await requests(group, count);
        const used = process.cpuUsage(c0);
        cpu.set(group, (cpu.get(group) ?? 0) + (used.user + used.system) / count);
        wall.set(group, (wall.get(group) ?? 0) + ((performance.now() - t0) * 1000) / count);
      }
    }
    const verdict = await audit.verify();
    if (!verdict.ok) throw new Error(`the chain written by the bench does not verify: ${JSON.stringify(verdict)}`);
    const mean = (m: Map<number, number>) => new Map([...m].map(([g, v]) => [g, v / rounds]));
    return { cpu: mean(cpu), wall: mean(wall) };
  } finally {
    await local?.leave();
    await store.close();
    rmSync(home, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
