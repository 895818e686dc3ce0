import type { Command } from 'commander';
import { resolveClientSettings } from '../../config/client-settings.js';
import { GatewayClient } from '../client.js';
import { KEY_HELP, URL_HELP, type ServerFlags } from '../options.js';
import { printTable } from '../table.js';

interface ModelRow { id: string; owned_by: string; flambeau?: { locality?: string; upstream_model?: string; provider_type?: string; loaded?: boolean; embeddings?: boolean } }

export function registerModels(program: Command): void {
  program
    .command('models')
    .description('List the models the running gateway serves, and whether local ones are loaded.')
    .option('--url <url>', URL_HELP)
    .option('--key <key>', KEY_HELP)
    .option('--home <dir>', 'home folder holding master.key')
    .option('--json', 'print JSON')
    .action(async (opts: ServerFlags & { json?: boolean }) => {
      const client = new GatewayClient(resolveClientSettings(opts));
      const list = await client.getJson<{ data: ModelRow[] }>('/v1/models');
      if (opts.json === true) {
        process.stdout.write(`${JSON.stringify(list.data, null, 2)}\n`);
        return;
      }
      printTable(
        ['MODEL', 'PROVIDER', 'TYPE', 'LOCALITY', 'UPSTREAM', 'LOADED'],
        list.data.map((m) => [
          m.id,
          m.owned_by,
          m.flambeau?.provider_type ?? '',
          m.flambeau?.locality ?? '',
          m.flambeau?.upstream_model ?? '',
          m.flambeau?.loaded === undefined ? '-' : m.flambeau.loaded ? 'yes' : 'no',
        ]),
      );
    });
}
