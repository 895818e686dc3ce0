import type { Command } from 'commander';
import { loadConfig } from '../../config/load-config.js';
import { Secret } from '../../config/secret.js';
import { threadsWarnings } from '../../engine/engine-threads.js';
import { checkRouteRules } from '../../router/check-route-rules.js';
import { checkShadowRules } from '../../shadow/index.js';
import { printTable } from '../table.js';
import { safe } from '../terminal-text.js';

export function registerConfig(program: Command): void {
  const config = program.command('config').description('Inspect the configuration.');
  config
    .command('check')
    .description('Validate the configuration and print every setting with its source (secrets masked).')
    .option('--config <path>', 'config file (default: ./flambeau.yaml if it exists)')
    .option('--home <dir>', 'home folder (default FLAMBEAU_HOME or ~/.flambeau)')
    .option('--model <path.gguf>', 'as for serve (repeatable)', (v: string, p: string[]) => [...p, v], [])
    .action((opts: { config?: string; home?: string; model: string[] }) => {
      const loaded = loadConfig({ configPath: opts.config, home: opts.home, modelPaths: opts.model });
      checkRouteRules(loaded);
      checkShadowRules(loaded);
      const out = (text: string) => process.stdout.write(text);
      out(safe`config file: ${loaded.configPath ?? '(none: embedded defaults)'}\nhome: ${loaded.home}\n\n`);
      printTable(
        ['SETTING', 'VALUE', 'SOURCE'],
        loaded.explain.map((s) => [s.key, show(s.value, s.secret), s.source]),
      );
      out('\n');
      printTable(
        ['PROVIDER', 'TYPE', 'LOCALITY', 'BASE URL', 'API KEY'],
        loaded.providers.map((p) => [p.id, p.type, p.locality, p.baseUrl ?? '(embedded)', p.apiKey === undefined ? '-' : mask(p.apiKey)]),
      );
      out('\n');
      printTable(
        ['MODEL', 'PROVIDER', 'UPSTREAM / FILE', 'FROM'],
        loaded.models.map((m) => [m.name, m.provider, m.path ?? m.model, m.origin]),
      );
      for (const warning of [...loaded.warnings, ...threadsWarnings(loaded)]) out(safe`\nwarning: ${warning}`);
      out(`\nOK: configuration is valid (${loaded.providers.length} providers, ${loaded.models.length} models).\n`);
    });
}

function show(value: unknown, secret: boolean): string {
  if (value === null || value === undefined) return '(unset)';
  if (secret || value instanceof Secret) return value instanceof Secret ? mask(value) : '****';
  return String(value);
}

/** Shows that a secret is set and which one (last 4 chars for long keys), never the value. */
function mask(secret: Secret): string {
  const value = secret.reveal();
  return value.length >= 20 ? `****${value.slice(-4)}` : '****';
}
