// What the group commits save (docs/decisions/0015, amendment): a request's budget hold and its
// durable record (audit record, usage row, request log row, settlement) on one SQLite home, in
// process, CPU per request when requests come one at a time (a group of 1: as before the group
// commits) and when 2, 6 or 20 come in the same turn of the event loop (one transaction each for
// their holds and for their records). Rounds interleaved; CPU is this process's (user + system).
// Then the record journal (decision 0019): acknowledged once journaled, applied after 1, 5 or 20 ms.
import { join } from 'node:path';
import { createRequestRecorder, type RequestOutcome } from '../src/audit/request-outcome.js';
import type { CheckpointedClient } from '../src/store/wal-checkpointer.js';
import { createRequestLog } from '../src/usage/request-log.js';
import { createUsageLog } from '../src/usage/usage-log.js';
import { benchOutcome, openRecordBench } from './record-bench.js';
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
  const journaled = await measureJournal();
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
  console.log('\n## Record journal (decision 0019): hold + record, acknowledged once journaled, applied in groups after a window\n');
  console.log(
    'CPU includes the applies (each slot ends with a flush); wall is per acknowledged request, applies that ran meanwhile included; checkpoint thread on.\n',
  );
  table(
    ['mode', 'requests per turn', 'CPU µs per request', 'wall µs per request', 'records per apply'],
    journaled.map((row) => [row.mode, row.group, fmt(row.cpu, 0), fmt(row.wall, 0), fmt(row.perApply, 1)]),
  );
}

const JOURNAL_MODES: { mode: string; windowMs: number | null }[] = [
  { mode: 'group commit (no journal)', windowMs: null },
  { mode: 'journal, 1 ms window', windowMs: 1 },
  { mode: 'journal, 5 ms window', windowMs: 5 },
  { mode: 'journal, 20 ms window', windowMs: 20 },
];

/** Each journal mode at 1 and 6 requests per turn, rounds interleaved, on one home with the checkpoint thread. */
async function measureJournal(): Promise<{ mode: string; group: number; cpu: number; wall: number; perApply: number }[]> {
  const bench = await openRecordBench({ prefix: 'flambeau-bench-journal-', checkpointThread: true });
  const { home, store, principal, key, ledger, audit } = bench;
  try {
    const recorders = JOURNAL_MODES.map(({ windowMs }) =>
      createRequestRecorder({
        usage: createUsageLog(store.sql),
        audit,
        ledger,
        requestLog: createRequestLog(store.sql),
        labelKey: key,
        ...(windowMs === null ? {} : { journal: { dir: join(home, 'journal'), windowMs } }),
      }),
    );
    let n = 0;
    const requests = async (recorder: (typeof recorders)[number], group: number, count: number) => {
      for (let i = 0; i < count; i += group) {
        const holds = await Promise.all(Array.from({ length: group }, () => ledger.reserve(principal, { maxCostUsd: 0.001 })));
        await Promise.all(holds.map((reservation) => recorder.recordRequestOutcome(benchOutcome(principal, `bench-j-${++n}`), { reservation })));
      }
    };
    const per = Number(process.env.BENCH_RECORDS ?? 1200);
    const rounds = Number(process.env.BENCH_ROUNDS ?? 6);
    for (const recorder of recorders) {
      await requests(recorder, 6, 300);
      await recorder.flush();
    }
    const slots = JOURNAL_MODES.flatMap((_, m) => [1, 6].map((group) => ({ m, group, cpu: 0, wall: 0, commits: 0, count: 0 })));
    for (let r = 0; r < rounds; r++) {
      for (let j = 0; j < slots.length; j++) {
        const slot = slots[(r + j) % slots.length] as (typeof slots)[number];
        const recorder = recorders[slot.m] as (typeof recorders)[number];
        const count = Math.ceil(per / rounds / slot.group) * slot.group;
        const w0 = (store.sql as unknown as CheckpointedClient).writes();
        const c0 = process.cpuUsage();
        const t0 = performance.now();
        await requests(recorder, slot.group, count);
        const wall = performance.now() - t0;
        await recorder.flush();
        const used = process.cpuUsage(c0);
        slot.cpu += (used.user + used.system) / count;
        slot.wall += (wall * 1000) / count;
        // Commits of holds and of records: the records' share is what is left beyond one hold commit per turn.
        slot.commits += (store.sql as unknown as CheckpointedClient).writes() - w0 - count / slot.group;
        slot.count += count;
      }
    }
    for (const recorder of recorders) await recorder.close();
    const verdict = await audit.verify();
    if (!verdict.ok) throw new Error(`the chain written by the bench does not verify: ${JSON.stringify(verdict)}`);
    return slots.map((slot) => ({
      mode: (JOURNAL_MODES[slot.m] as (typeof JOURNAL_MODES)[number]).mode,
      group: slot.group,
      cpu: slot.cpu / rounds,
      wall: slot.wall / rounds,
      perApply: slot.count / Math.max(1, slot.commits),
    }));
  } finally {
    await bench.close();
  }
}

/** CPU and wall µs per request for each group size, on a new home with SQLite's own checkpoints or the thread. */
async function measure(checkpointThread: boolean, memoryHolds = false): Promise<{ cpu: Map<number, number>; wall: Map<number, number> }> {
  const bench = await openRecordBench({ prefix: 'flambeau-bench-record-', checkpointThread, memoryHolds });
  const { store, principal, key, ledger, audit } = bench;
  try {
    const recorder = createRequestRecorder({ usage: createUsageLog(store.sql), audit, ledger, requestLog: createRequestLog(store.sql), labelKey: key });
    let n = 0;
    const outcome = (): RequestOutcome => benchOutcome(principal, `bench-${++n}`);
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
    await bench.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
