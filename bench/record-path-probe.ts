// The durable record path alone, as the full gateway runs it at c=20 (docs/decisions/0019, section
// of 2026-12-05): a memory budget hold, then the record journaled and applied in groups (20 ms
// window), GROUP requests per turn of the event loop (default 6: the full gateway at c=20 made
// 5.5 holds and 6.1 records per turn), on a SQLite home with the checkpoint thread. Prints CPU µs
// per request of each round (this process, all threads: applies and checkpoints included).
// `node --import tsx bench/record-path-probe.ts`; N (per round, 6000), ROUNDS (3), GROUP;
// WINDOW=600000 MAX_GROUP=100000: nothing is applied before the round's flush, whose share is
// printed apart (SPLIT=1: its user and system time); NO_RLOG=1: no request log row;
// DROP_INDEXES=a,b: those indexes dropped from this throwaway file (what they cost per record);
// WINDOW and MAX_GROUP alone: the apply's window and group size; PACE_MS: a timer of that many ms
// between groups instead of one turn (GROUP=1 PACE_MS=1: about the pace of the gateway at c=1).
import { join } from 'node:path';
import { createRequestRecorder, type RequestOutcome } from '../src/audit/request-outcome.js';
import { createRequestLog } from '../src/usage/request-log.js';
import { createUsageLog } from '../src/usage/usage-log.js';
import { benchOutcome, openRecordBench } from './record-bench.js';

const bench = await openRecordBench({
  prefix: 'flambeau-probe-',
  checkpointThread: true,
  memoryHolds: true,
  // DROP_INDEXES=a,b: measure what those indexes cost per record (they are dropped from this throwaway file only).
  prepare: (store) => {
    for (const name of (process.env.DROP_INDEXES ?? '').split(',').filter(Boolean)) store.db.exec(`DROP INDEX ${name}`);
  },
});
const { home, store, principal, key, ledger, audit } = bench;
const recorder = createRequestRecorder({
  usage: createUsageLog(store.sql),
  audit,
  ledger,
  ...(process.env.NO_RLOG === '1' ? {} : { requestLog: createRequestLog(store.sql) }),
  labelKey: key,
  journal: {
    dir: join(home, 'journal'),
    ...(process.env.WINDOW === undefined ? {} : { windowMs: Number(process.env.WINDOW), maxGroup: Number(process.env.MAX_GROUP ?? 256) }),
  },
});
let n = 0;
const outcome = (): RequestOutcome => benchOutcome(principal, `req_probe${(++n).toString(36).padStart(6, '0')}`);
const group = Number(process.env.GROUP ?? 6);
const pace = Number(process.env.PACE_MS ?? 0);
const requests = async (count: number) => {
  for (let i = 0; i < count; i += group) {
    const holds = await Promise.all(Array.from({ length: group }, () => ledger.reserve(principal, { maxCostUsd: 0.001 })));
    await Promise.all(holds.map((reservation) => recorder.recordRequestOutcome(outcome(), { reservation })));
    // A turn of the event loop between groups, as requests arriving on sockets would have; with
    // PACE_MS, that long (a timer) instead: the pace of a gateway at c=1 (~1 ms per request here).
    await new Promise((resolve) => (pace > 0 ? setTimeout(resolve, pace) : setImmediate(resolve)));
  }
};
const per = Number(process.env.N ?? 6000);
await requests(2000);
await recorder.flush();
const results: number[] = [];
const applies: number[] = [];
for (let r = 0; r < Number(process.env.ROUNDS ?? 3); r++) {
  const c0 = process.cpuUsage();
  await requests(per);
  const c1 = process.cpuUsage();
  await recorder.flush();
  const used = process.cpuUsage(c0);
  const apply = process.cpuUsage(c1);
  results.push((used.user + used.system) / per);
  applies.push((apply.user + apply.system) / per);
  if (process.env.SPLIT === '1') console.log(`apply user ${(apply.user / per).toFixed(1)} sys ${(apply.system / per).toFixed(1)}`);
}
// With WINDOW set longer than a round, the second figure is the apply's share (rows, chain, commit, checkpoint).
console.log(`record path CPU µs/req: ${results.map((v) => v.toFixed(1)).join(', ')}; of which at the flush: ${applies.map((v) => v.toFixed(1)).join(', ')}`);
await recorder.close();
const verdict = await audit.verify();
if (!verdict.ok) throw new Error(`chain does not verify: ${JSON.stringify(verdict)}`);
await bench.close();
