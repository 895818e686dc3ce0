import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import type { Command } from 'commander';
import { openAuditFile, openAuditStore } from '../../audit/audit-file.js';
import type { AuditLog } from '../../audit/audit-log.js';
import type { AuditAnchor, VerifyResult } from '../../audit/audit-verify.js';
import { parseSince } from '../../auth/key-options.js';
import { resolveClientSettings } from '../../config/client-settings.js';
import { homePaths } from '../../config/home-layout.js';
import { loadConfig } from '../../config/load-config.js';
import { GatewayClient } from '../client.js';
import { CliExit, EXIT } from '../exit-codes.js';
import { KEY_HELP, URL_HELP, type ServerFlags } from '../options.js';
import { parseFlag } from './keys.js';

interface AuditFlags extends ServerFlags {
  config?: string;
  remote?: boolean;
}

/**
 * `audit verify` and `audit export` read the store directly (HOME/flambeau.db read-only, or the
 * PostgreSQL of `store.url`) by default: they
 * work with the server down, and an integrity check should not take the checked server's word
 * for it. `--remote` asks the running server's admin API instead (another machine).
 */
export function registerAudit(program: Command): void {
  const audit = program.command('audit').description('Check and export the tamper-evident audit log.');
  const common = (command: Command) =>
    command
      .option('--home <dir>', 'home folder holding flambeau.db (default FLAMBEAU_HOME or ~/.flambeau)')
      .option('--config <path>', 'config file (for its home folder)')
      .option('--remote', 'ask the running gateway (--url, --key) instead of reading the file')
      .option('--url <url>', URL_HELP)
      .option('--key <key>', KEY_HELP);

  common(audit.command('verify'))
    .description('Walk the hash chain: prints OK and the head to write down, or the first broken record (exit 1).')
    .option('--anchor <seq:hash>', 'a head printed earlier: also proves nothing before it was cut or rewritten')
    .action(async (opts: AuditFlags & { anchor?: string }) => {
      const anchor = opts.anchor === undefined ? undefined : parseAnchor(opts.anchor);
      const result =
        opts.remote === true ? await verifyRemote(opts, anchor) : await withFile(opts, (log) => log.verify(anchor === undefined ? {} : { anchor }));
      if (!result.ok) {
        process.stdout.write(`BROKEN at record ${result.firstBroken}: ${result.reason} (${result.count} records verified before it)\n`);
        throw new CliExit(EXIT.requestFailed, `error: the audit log does not verify`);
      }
      const keyed = result.keyedFrom === undefined ? '' : `; keyed from record ${result.keyedFrom}, head file matches, usage rows agree`;
      process.stdout.write(
        result.head === null ? 'OK: the audit log is empty\n' : `OK: ${result.count} records; head ${result.head.seq}:${result.head.hash}${keyed}\n`,
      );
    });

  common(audit.command('export'))
    .description('Write audit records as JSON lines (each with its prev_hash and hash).')
    .option('--since <when>', 'a date (2026-11-01), an ISO time, or a duration back from now (7d)')
    .option('--out <file>', 'write to this file instead of stdout')
    .action(async (opts: AuditFlags & { since?: string; out?: string }) => {
      const since = opts.since === undefined ? undefined : parseFlag(() => parseSince(opts.since as string, Date.now(), '--since'));
      const out: Writable = opts.out === undefined ? process.stdout : createWriteStream(opts.out, { mode: 0o600 });
      if (opts.remote === true) {
        const query = opts.since === undefined ? '' : `?${new URLSearchParams({ since: opts.since })}`;
        const body = await new GatewayClient(resolveClientSettings(opts)).getStream(`/admin/audit/export${query}`);
        for await (const chunk of body) if (!out.write(chunk)) await once(out, 'drain');
      } else {
        await withFile(opts, async (log) => {
          for await (const line of log.exportLines(since === undefined ? {} : { since })) if (!out.write(line)) await once(out, 'drain');
        });
      }
      if (out !== process.stdout) await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())));
    });
}

function parseAnchor(text: string): AuditAnchor {
  const match = /^(\d+):([0-9a-f]{64})$/.exec(text.trim());
  if (match === null) throw new CliExit(EXIT.usage, `error: --anchor must be SEQ:HASH as printed by \`flambeau audit verify\`.`);
  return { seq: Number(match[1]), hash: match[2] as string };
}

/** The configured store's chain: HOME/flambeau.db read-only, or the PostgreSQL of `store.url` (read only). */
async function withFile<T>(opts: AuditFlags, work: (log: AuditLog) => Promise<T>): Promise<T> {
  const config = loadConfig({ configPath: opts.config, home: opts.home });
  const file = config.store.url === null ? openAuditFile(homePaths(config.home).db) : await openAuditStore(config.home, config.store.url.reveal());
  try {
    return await work(file.audit);
  } finally {
    await file.close();
  }
}

async function verifyRemote(opts: AuditFlags, anchor: AuditAnchor | undefined): Promise<VerifyResult> {
  const query = anchor === undefined ? '' : `?${new URLSearchParams({ anchor_seq: String(anchor.seq), anchor_hash: anchor.hash })}`;
  const body = await new GatewayClient(resolveClientSettings(opts)).getJson<{
    ok: boolean;
    count: number;
    head?: AuditAnchor | null;
    first_broken?: number;
    reason?: string;
  }>(`/admin/audit/verify${query}`);
  return body.ok
    ? { ok: true, count: body.count, head: body.head ?? null }
    : { ok: false, count: body.count, firstBroken: body.first_broken ?? 0, reason: body.reason ?? '' };
}
