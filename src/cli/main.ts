#!/usr/bin/env node
import { Command, CommanderError } from 'commander';
import { asFlambeauError } from '../errors/index.js';
import { registerChat } from './commands/chat.js';
import { registerEval } from './commands/eval.js';
import { registerConfig } from './commands/config-check.js';
import { registerModels } from './commands/models.js';
import { registerAudit } from './commands/audit.js';
import { registerKeys } from './commands/keys.js';
import { registerPull } from './commands/pull.js';
import { registerCollections } from './commands/collections.js';
import { registerIngest } from './commands/ingest.js';
import { registerKnowledge } from './commands/knowledge.js';
import { registerSearch } from './commands/search.js';
import { registerRouter } from './commands/router.js';
import { registerShadow } from './commands/shadow.js';
import { registerScan } from './commands/scan.js';
import { registerTeams } from './commands/teams.js';
import { registerUsage } from './commands/usage.js';
import { registerServe } from './commands/serve.js';
import { registerStore } from './commands/store.js';
import { CliExit, EXIT } from './exit-codes.js';
import { safe, terminalSafe } from './terminal-text.js';

const program = new Command('flambeau')
  .description('A local-first, sovereign AI gateway: one OpenAI-compatible endpoint for your own models and, where a rule allows, the cloud.')
  .version('0.1.0')
  .exitOverride()
  .showHelpAfterError();

registerServe(program);
registerModels(program);
registerChat(program);
registerConfig(program);
registerScan(program);
registerKeys(program);
registerTeams(program);
registerUsage(program);
registerAudit(program);
registerRouter(program);
registerShadow(program);
registerStore(program);
registerPull(program);
registerIngest(program);
registerCollections(program);
registerKnowledge(program);
registerSearch(program);
registerEval(program);

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
