import type { Command } from 'commander';
import { parseBudget, parseDuration, parseNameList } from '../../auth/key-options.js';
import { resolveClientSettings } from '../../config/client-settings.js';
import { FlambeauError } from '../../errors/index.js';
import { GatewayClient } from '../client.js';
import { CliExit, EXIT } from '../exit-codes.js';
import { KEY_HELP, URL_HELP, type ServerFlags } from '../options.js';
import { printTable } from '../table.js';
import { jsonText, safe } from '../terminal-text.js';

/** The admin API's key object (see api/http/admin-wire.ts). */
export interface KeyJson {
  id: string;
  key?: string;
  name: string;
  team: string | null;
  status: string;
  models: string[];
  endpoints: string[];
  collections: string[];
  budget: { usd: number; period: string } | null;
  rpm: number | null;
  tpm: number | null;
  expires_at: string | null;
  revoked_at: string | null;
  created_at: string;
  last_used_at: string | null;
  spend?: { period: string; spent_usd: number; reserved_usd: number; resets_at: string | null };
}

/** Runs a flag parser; a bad value exits with code 2 (bad arguments) before any request. */
export function parseFlag<T>(parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    if (error instanceof FlambeauError) throw new CliExit(EXIT.usage, `error: ${error.message}`);
    throw error;
  }
}

/** `--rpm 60`; `none` clears a limit (null). */
export function parsePerMinute(text: string | undefined, flag: string): number | null | undefined {
  if (text === undefined) return undefined;
  if (text === 'none') return null;
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value <= 0) throw new CliExit(EXIT.usage, `error: ${flag} must be a positive integer or none, got '${text}'.`);
  return value;
}

export function describeBudget(budget: { usd: number; period: string } | null): string {
  return budget === null ? '-' : `$${budget.usd}/${budget.period}`;
}

const day = (iso: string | null) => (iso === null ? '-' : iso.slice(0, 10));

export function registerKeys(program: Command): void {
  const keys = program.command('keys').description('Create, list, show and revoke API keys (talks to the running gateway with the master key).');
  const common = (command: Command) =>
    command.option('--url <url>', URL_HELP).option('--key <key>', KEY_HELP).option('--home <dir>', 'home folder holding master.key');

  common(keys.command('create'))
    .description('Create an API key and print it once (flambeau keeps only its hash).')
    .requiredOption('--name <name>', 'who or what the key is for')
    .option('--team <team>', 'team the key belongs to (its budget and limits apply too)')
    .option('--models <list>', 'models and route names it may call: a,b or * (default *)')
    .option(
      '--endpoints <list>',
      'endpoints: chat,embeddings,models,knowledge,privacy,injection,metrics or * (default *); admin, named alone, for the admin API and the dashboard',
    )
    .option('--collections <list>', 'knowledge collections it may read: a,b or * (default *)')
    .option('--budget-usd <usd/period>', 'spending limit, e.g. 25/month (periods: day, week, month, total)')
    .option('--rpm <n>', 'requests per minute')
    .option('--tpm <n>', 'tokens per minute')
    .option('--expires <duration>', 'lifetime, e.g. 30d, 12h, 2w')
    .option('--json', 'print JSON')
    .action(
      async (
        opts: ServerFlags & {
          name: string;
          team?: string;
          models?: string;
          endpoints?: string;
          collections?: string;
          budgetUsd?: string;
          rpm?: string;
          tpm?: string;
          expires?: string;
          json?: boolean;
        },
      ) => {
        const body: Record<string, unknown> = { name: opts.name };
        if (opts.team !== undefined) body.team = opts.team;
        if (opts.models !== undefined) body.models = parseNameList(opts.models);
        if (opts.endpoints !== undefined) body.endpoints = parseNameList(opts.endpoints);
        if (opts.collections !== undefined) body.collections = parseNameList(opts.collections);
        if (opts.budgetUsd !== undefined) body.budget = parseFlag(() => parseBudget(opts.budgetUsd as string, '--budget-usd'));
        if (opts.rpm !== undefined) body.rpm = parsePerMinute(opts.rpm, '--rpm');
        if (opts.tpm !== undefined) body.tpm = parsePerMinute(opts.tpm, '--tpm');
        if (opts.expires !== undefined) {
          parseFlag(() => parseDuration(opts.expires as string, '--expires'));
          body.expires_in = opts.expires;
        }
        const created = await new GatewayClient(resolveClientSettings(opts)).sendJson<KeyJson>('POST', '/admin/keys', body);
        if (opts.json === true) {
          process.stdout.write(`${jsonText(created)}\n`);
          return;
        }
        process.stdout.write(safe`Created key ${created.id} "${created.name}"${created.team === null ? '' : ` in team ${created.team}`}.\n`);
        process.stdout.write(safe`The key, shown this once (flambeau keeps only its hash):\n  ${created.key ?? ''}\n`);
      },
    );

  common(keys.command('list'))
    .description('List API keys (never the keys themselves).')
    .option('--json', 'print JSON')
    .action(async (opts: ServerFlags & { json?: boolean }) => {
      const list = await new GatewayClient(resolveClientSettings(opts)).getJson<{ data: KeyJson[] }>('/admin/keys');
      if (opts.json === true) {
        process.stdout.write(`${jsonText(list.data)}\n`);
        return;
      }
      printTable(
        ['ID', 'NAME', 'TEAM', 'STATUS', 'MODELS', 'BUDGET', 'RPM', 'TPM', 'EXPIRES', 'LAST USED'],
        list.data.map((k) => [
          k.id,
          k.name,
          k.team ?? '-',
          k.status,
          k.models.join(','),
          describeBudget(k.budget),
          String(k.rpm ?? '-'),
          String(k.tpm ?? '-'),
          day(k.expires_at),
          day(k.last_used_at),
        ]),
      );
    });

  common(keys.command('show'))
    .description('Show one API key, with its spend in the current budget period.')
    .argument('<id>', 'key id (the part after flm_)')
    .option('--json', 'print JSON')
    .action(async (id: string, opts: ServerFlags & { json?: boolean }) => {
      const key = await new GatewayClient(resolveClientSettings(opts)).getJson<KeyJson>(`/admin/keys/${encodeURIComponent(id)}`);
      if (opts.json === true) {
        process.stdout.write(`${jsonText(key)}\n`);
        return;
      }
      const spend =
        key.spend === undefined
          ? '-'
          : `$${key.spend.spent_usd} spent, $${key.spend.reserved_usd} held this ${key.spend.period}${key.spend.resets_at === null ? '' : ` (resets ${key.spend.resets_at})`}`;
      const rows: [string, string][] = [
        ['id', key.id],
        ['name', key.name],
        ['team', key.team ?? '-'],
        ['status', key.status],
        ['models', key.models.join(', ')],
        ['endpoints', key.endpoints.join(', ')],
        ['collections', key.collections.join(', ')],
        ['budget', describeBudget(key.budget)],
        ['spend', spend],
        ['rpm', String(key.rpm ?? '-')],
        ['tpm', String(key.tpm ?? '-')],
        ['created', key.created_at],
        ['expires', key.expires_at ?? 'never'],
        ['revoked', key.revoked_at ?? '-'],
        ['last used', key.last_used_at ?? 'never'],
      ];
      for (const [label, value] of rows) process.stdout.write(`${label.padEnd(12)}${safe`${value}`}\n`);
    });

  common(keys.command('revoke'))
    .description('Revoke an API key: refused from now on (at once on this gateway).')
    .argument('<id>', 'key id')
    .action(async (id: string, opts: ServerFlags) => {
      const key = await new GatewayClient(resolveClientSettings(opts)).sendJson<KeyJson & { revoked: boolean }>(
        'DELETE',
        `/admin/keys/${encodeURIComponent(id)}`,
      );
      process.stdout.write(key.revoked ? safe`Revoked key ${key.id} "${key.name}".\n` : safe`Key ${key.id} was already revoked (${key.revoked_at ?? ''}).\n`);
    });
}
