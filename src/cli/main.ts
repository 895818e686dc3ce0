#!/usr/bin/env node
import { Command, CommanderError } from 'commander';
import { asFlambeauError } from '../errors/index.js';
import { CliExit, EXIT } from './exit-codes.js';
import { safe, terminalSafe } from './terminal-text.js';

const program = new Command('flambeau')
  .description('A local-first, sovereign AI gateway: one OpenAI-compatible endpoint for your own models and, where a rule allows, the cloud.')
  .version('0.1.0')
  .exitOverride()
  .showHelpAfterError();

/** Each top-level command's module, in the order `--help` lists them. */
const COMMANDS: readonly (readonly [string, () => Promise<(program: Command) => void>])[] = [
  ['serve', async () => (await import('./commands/serve.js')).registerServe],
  ['models', async () => (await import('./commands/models.js')).registerModels],
  ['chat', async () => (await import('./commands/chat.js')).registerChat],
  ['config', async () => (await import('./commands/config-check.js')).registerConfig],
  ['scan', async () => (await import('./commands/scan.js')).registerScan],
  ['keys', async () => (await import('./commands/keys.js')).registerKeys],
  ['teams', async () => (await import('./commands/teams.js')).registerTeams],
  ['usage', async () => (await import('./commands/usage.js')).registerUsage],
  ['audit', async () => (await import('./commands/audit.js')).registerAudit],
  ['router', async () => (await import('./commands/router.js')).registerRouter],
  ['shadow', async () => (await import('./commands/shadow.js')).registerShadow],
  ['store', async () => (await import('./commands/store.js')).registerStore],
  ['pull', async () => (await import('./commands/pull.js')).registerPull],
  ['ingest', async () => (await import('./commands/ingest.js')).registerIngest],
  ['collections', async () => (await import('./commands/collections.js')).registerCollections],
  ['knowledge', async () => (await import('./commands/knowledge.js')).registerKnowledge],
  ['search', async () => (await import('./commands/search.js')).registerSearch],
  ['eval', async () => (await import('./commands/eval.js')).registerEval],
];

// Only the asked command's module is loaded: loading every command reads most of the code base
// (1.6 s before `flambeau keys list` could start, 0.3 s with its module alone). Help, --version and
// an unknown command load them all, so that commander lists and suggests every command.
const asked = process.argv.slice(2).find((arg) => !arg.startsWith('-'));
const only = COMMANDS.find(([name]) => name === asked);
for (const [, load] of only === undefined ? COMMANDS : [only]) (await load())(program);

try {
  await program.parseAsync(process.argv);
} catch (thrown) {
  process.exitCode = exitCodeFor(thrown);
}

function exitCodeFor(thrown: unknown): number {
  if (thrown instanceof CommanderError) {
    // --help and --version end here too, with exit code 0.
    return thrown.exitCode === 0 ? EXIT.ok : EXIT.usage;
  }
  if (thrown instanceof CliExit) {
    process.stderr.write(`${terminalSafe(thrown.message)}\n`);
    return thrown.exitCode;
  }
  const error = asFlambeauError(thrown);
  if (error.code === 'config_invalid') {
    process.stderr.write(safe`config error: ${error.message}\n`);
    return EXIT.usage;
  }
  process.stderr.write(safe`error: ${error.code === 'internal' ? ((thrown as Error).message ?? String(thrown)) : error.message}\n`);
  return EXIT.requestFailed;
}
