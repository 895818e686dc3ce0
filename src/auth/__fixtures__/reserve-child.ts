// A second process for the cross-process budget test: reserves against the same SQLite file.
// argv: dbPath, principal JSON, attempts, amount USD. Prints "ready", waits for a line on stdin
// (so that both processes start together), then prints {"granted": n, "refused": n}.
import { createInterface } from 'node:readline';
import { openStore } from '../../store/store.js';
import { createBudgetLedger } from '../budget-ledger.js';
import type { KeyPrincipal } from '../principal.js';

const [dbPath, principalJson, attempts, amount] = process.argv.slice(2) as [string, string, string, string];
const store = openStore(dbPath);
const ledger = createBudgetLedger({ sql: store.sql });
const principal = JSON.parse(principalJson) as KeyPrincipal;
process.stdout.write('ready\n');
const lines = createInterface({ input: process.stdin });
await new Promise<void>((resolve) => lines.once('line', () => resolve()));
lines.close();
let granted = 0;
let refused = 0;
for (let i = 0; i < Number(attempts); i++) {
  try {
    await ledger.reserve(principal, { maxCostUsd: Number(amount) });
    granted++;
  } catch (error) {
    if ((error as { code?: string }).code !== 'budget_exhausted') throw error;
    refused++;
  }
  // Yield so that the other process's transactions interleave with ours.
  await new Promise((resolve) => setTimeout(resolve, 1));
}
await store.close();
process.stdout.write(`${JSON.stringify({ granted, refused })}\n`);
