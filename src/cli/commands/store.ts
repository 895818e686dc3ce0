import type { Command } from 'commander';
import { existsSync } from 'node:fs';
import { readAuditKey } from '../../audit/audit-key.js';
import { createAuditLog } from '../../audit/audit-log.js';
import { homePaths } from '../../config/home-layout.js';
import { loadConfig } from '../../config/load-config.js';
import { COPIED_TABLES, copyStore } from '../../store/copy-store.js';
import { redactUrl } from '../../store/pg-client.js';
import { migratePg, openPgClient, openStore } from '../../store/store.js';
import { CliExit, EXIT } from '../exit-codes.js';
import { applyLeftRecords } from '../left-records.js';
import { printTable } from '../table.js';
import { jsonText } from '../terminal-text.js';

/**
 * `flambeau store migrate --from HOME --to postgres://…`: copies a single-machine home's state
 * (keys, teams, budgets, usage, the audit chain, the request log, model versions, stored
 * responses, evals, shadow comparisons) into an empty PostgreSQL store, in one transaction, then
 * verifies the copied audit chain there with the home's audit key. Stop the gateway first: what
 * it writes during the copy is not copied.
 */
export function registerStore(program: Command): void {
  const store = program.command('store').description('The store that holds keys, budgets, usage and the audit chain (SQLite or PostgreSQL).');
  store
    .command('migrate')
    .description('Copy a home folder’s SQLite state into an empty PostgreSQL store, then verify the audit chain there.')
    .option('--from <home>', 'home folder to copy (default: the configured one)')
    .requiredOption('--to <url>', 'the PostgreSQL store: postgres://user@host:5432/db, or env:NAME')
    .option('--config <path>', 'config file (for its home folder)')
    .option('--json', 'print JSON')
    .action(async (opts: { from?: string; to: string; config?: string; json?: boolean }) => {
      const home = opts.from ?? loadConfig({ configPath: opts.config }).home;
      // env:NAME reads that variable (the password stays out of argv and the shell's history).
      const url = opts.to.startsWith('env:') ? process.env[opts.to.slice(4)] : opts.to;
      if (url === undefined || !/^postgres(ql)?:\/\//.test(url))
        throw new CliExit(EXIT.usage, 'error: --to takes a postgres:// URL (or env:NAME holding one).');
      const path = homePaths(home).db;
      if (!existsSync(path)) throw new CliExit(EXIT.usage, `error: no flambeau database at ${path}.`);
      const source = openStore(path); // migrated to the current schema first, as the gateway would
      const target = openPgClient(url);
      try {
        // Requests a server that died had acknowledged are still in its journal: into the file first.
        const applied = await applyLeftRecords(home, source.sql);
        if (applied > 0 && opts.json !== true) process.stdout.write(`applied ${applied} request records left in ${homePaths(home).journal}\n`);
        await migratePg(target);
        const report = await copyStore(source.db, target);
        const verdict = await createAuditLog({ sql: target, keyed: { key: readAuditKey(home), headPath: homePaths(home).auditHead, readOnly: true } }).verify();
        if (opts.json === true) process.stdout.write(`${jsonText({ from: home, to: redactUrl(url), copied: report, audit: verdict })}\n`);
        else {
          printTable(
            ['TABLE', 'ROWS'],
            COPIED_TABLES.map((t) => [t, String(report[t])]),
          );
          process.stdout.write(
            verdict.ok
              ? `audit chain verified in ${redactUrl(url)}: ${verdict.count} records${verdict.head === null ? '' : `, head ${verdict.head.seq}:${verdict.head.hash}`}\n`
              : `BROKEN at record ${verdict.firstBroken}: ${verdict.reason}\n`,
          );
        }
        if (!verdict.ok) throw new CliExit(EXIT.requestFailed, 'error: the copied audit chain does not verify');
      } finally {
        await target.close();
        await source.close();
      }
    });
}
