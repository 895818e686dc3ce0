import type { Command } from 'commander';
import { parseBudget } from '../../auth/key-options.js';
import { resolveClientSettings } from '../../config/client-settings.js';
import { GatewayClient } from '../client.js';
import { KEY_HELP, URL_HELP, type ServerFlags } from '../options.js';
import { printTable } from '../table.js';
import { describeBudget, parseFlag, parsePerMinute } from './keys.js';
import { jsonText, safe } from '../terminal-text.js';

interface TeamJson {
  name: string;
  budget: { usd: number; period: string } | null;
  rpm: number | null;
  tpm: number | null;
  updated_at: string;
}

export function registerTeams(program: Command): void {
  const teams = program.command('teams').description('Teams: a budget and limits shared by their keys.');
  const common = (command: Command) =>
    command.option('--url <url>', URL_HELP).option('--key <key>', KEY_HELP).option('--home <dir>', 'home folder holding master.key');

  common(teams.command('set'))
    .description('Create a team or change its budget and limits (none clears one).')
    .argument('<name>', 'team name')
    .option('--budget-usd <usd/period>', 'e.g. 500/month, or none')
    .option('--rpm <n>', 'requests per minute for the whole team, or none')
    .option('--tpm <n>', 'tokens per minute for the whole team, or none')
    .action(async (name: string, opts: ServerFlags & { budgetUsd?: string; rpm?: string; tpm?: string }) => {
      const body: Record<string, unknown> = { name };
      if (opts.budgetUsd !== undefined) body.budget = opts.budgetUsd === 'none' ? null : parseFlag(() => parseBudget(opts.budgetUsd as string, '--budget-usd'));
      if (opts.rpm !== undefined) body.rpm = parsePerMinute(opts.rpm, '--rpm');
      if (opts.tpm !== undefined) body.tpm = parsePerMinute(opts.tpm, '--tpm');
      const team = await new GatewayClient(resolveClientSettings(opts)).sendJson<TeamJson>('POST', '/admin/teams', body);
      process.stdout.write(safe`Team ${team.name}: budget ${describeBudget(team.budget)}, rpm ${team.rpm ?? '-'}, tpm ${team.tpm ?? '-'}.\n`);
    });

  common(teams.command('list'))
    .description('List teams.')
    .option('--json', 'print JSON')
    .action(async (opts: ServerFlags & { json?: boolean }) => {
      const list = await new GatewayClient(resolveClientSettings(opts)).getJson<{ data: TeamJson[] }>('/admin/teams');
      if (opts.json === true) {
        process.stdout.write(`${jsonText(list.data)}\n`);
        return;
      }
      printTable(
        ['TEAM', 'BUDGET', 'RPM', 'TPM', 'UPDATED'],
        list.data.map((t) => [t.name, describeBudget(t.budget), String(t.rpm ?? '-'), String(t.tpm ?? '-'), t.updated_at.slice(0, 10)]),
      );
    });
}
