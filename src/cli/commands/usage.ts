import type { Command } from 'commander';
import { parseSince } from '../../auth/key-options.js';
import { resolveClientSettings } from '../../config/client-settings.js';
import { USAGE_GROUPINGS } from '../../usage/usage-log.js';
import { GatewayClient } from '../client.js';
import { CliExit, EXIT } from '../exit-codes.js';
import { KEY_HELP, URL_HELP, type ServerFlags } from '../options.js';
import { printTable } from '../table.js';
import { parseFlag } from './keys.js';
import { jsonText } from '../terminal-text.js';

interface Totals {
  requests: number;
  errors: number;
  input_tokens: number;
  output_tokens: number;
  estimated: number;
  cost_usd: number;
}
interface UsageJson {
  by: string;
  since: string | null;
  data: (Totals & { group: string; label?: string })[];
  total: Totals;
}

/** USD with enough digits for sub-cent totals. */
export function formatUsd(value: number): string {
  return value === 0 ? '0.00' : value < 0.01 ? value.toPrecision(3) : value.toFixed(4).replace(/0{1,2}$/, '');
}

export function registerUsage(program: Command): void {
  program
    .command('usage')
    .description('Requests, tokens and cost, grouped by key, team, model or day (from the running gateway).')
    .option('--by <grouping>', `group by ${USAGE_GROUPINGS.join(', ')}`, 'key')
    .option('--since <when>', 'a date (2026-11-01), an ISO time, or a duration back from now (24h, 7d)')
    .option('--url <url>', URL_HELP)
    .option('--key <key>', KEY_HELP)
    .option('--home <dir>', 'home folder holding master.key')
    .option('--json', 'print JSON')
    .action(async (opts: ServerFlags & { by: string; since?: string; json?: boolean }) => {
      if (!(USAGE_GROUPINGS as readonly string[]).includes(opts.by)) throw new CliExit(EXIT.usage, `error: --by must be one of ${USAGE_GROUPINGS.join(', ')}.`);
      const query = new URLSearchParams({ by: opts.by });
      // Checked here for a clear exit code 2; sent as typed, so the server's clock resolves "7d".
      if (opts.since !== undefined) {
        parseFlag(() => parseSince(opts.since as string, Date.now(), '--since'));
        query.set('since', opts.since);
      }
      const usage = await new GatewayClient(resolveClientSettings(opts)).getJson<UsageJson>(`/admin/usage?${query}`);
      if (opts.json === true) {
        process.stdout.write(`${jsonText(usage)}\n`);
        return;
      }
      const row = (group: string, t: Totals) => [
        group,
        String(t.requests),
        String(t.errors),
        String(t.input_tokens),
        String(t.output_tokens),
        formatUsd(t.cost_usd),
      ];
      printTable(
        [opts.by.toUpperCase(), 'REQUESTS', 'ERRORS', 'INPUT TOKENS', 'OUTPUT TOKENS', 'COST USD'],
        [...usage.data.map((r) => row(r.label === undefined ? r.group : `${r.group} (${r.label})`, r)), row('TOTAL', usage.total)],
      );
      if (usage.total.estimated > 0) process.stdout.write(`(${usage.total.estimated} request(s) with estimated token counts: the upstream reported none)\n`);
    });
}
