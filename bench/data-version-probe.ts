// What the memory budget hold's `PRAGMA data_version` read costs a request at c=1 (decision 0019,
// amendment of h-post): one request per turn of the event loop, each taking the store's change
// stamp (the versions refresh) and then the version the holds compare, either read again on the
// connection (before) or taken from the stamp's read of the same turn (`dataVersionThisTurn`).
// `node --import tsx bench/data-version-probe.ts`; N turns per round (20,000), ROUNDS (4).
// A SQLite file with the WAL checkpoint thread, as the gateway runs it, and a second connection
// that commits now and then (every 500 turns), so that the reads see a WAL that moves.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { openStore } from '../src/store/store.js';

const dir = mkdtempSync(join(tmpdir(), 'flambeau-dv-'));
const store = openStore(join(dir, 'store.db'), undefined, { checkpointThread: true });
const other = new Database(join(dir, 'store.db'));
other.exec('CREATE TABLE IF NOT EXISTS probe (x)');
const fresh = store.db.prepare('PRAGMA data_version').pluck();
const turn = () => new Promise<void>((resolve) => setImmediate(resolve));
const n = Number(process.env.N ?? 20_000);

async function round(reuse: boolean): Promise<number> {
  let sink = 0;
  const c0 = process.cpuUsage();
  for (let i = 0; i < n; i++) {
    if (i % 500 === 0) other.prepare('INSERT INTO probe VALUES (?)').run(i);
    sink += (store.sql.changeStamp?.() as string).length;
    sink += reuse ? (store.sql.dataVersionThisTurn?.() as number) : (fresh.get() as number);
    await turn();
  }
  const used = process.cpuUsage(c0);
  if (sink === 0) throw new Error('unreachable');
  return (used.user + used.system) / n;
}

const rows: string[] = [];
for (let r = 0; r < Number(process.env.ROUNDS ?? 4); r++) {
  const before = await round(false);
  const after = await round(true);
  rows.push(`two reads ${before.toFixed(2)} µs/turn, one read ${after.toFixed(2)} µs/turn`);
}
console.log(rows.join('\n'));
other.close();
store.close();
rmSync(dir, { recursive: true, force: true });
