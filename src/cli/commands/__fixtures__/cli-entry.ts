// The CLI as main.ts builds it, with only the keys/teams/usage/audit commands: for their tests
// until the lead registers them in cli/main.ts. Same exit-code mapping as main.ts.
import { Command, CommanderError } from 'commander';
import { asFlambeauError } from '../../../errors/index.js';
import { CliExit, EXIT } from '../../exit-codes.js';
import { registerAudit } from '../audit.js';
import { registerKeys } from '../keys.js';
import { registerTeams } from '../teams.js';
import { registerUsage } from '../usage.js';

const program = new Command('flambeau').exitOverride();
registerKeys(program);
registerTeams(program);
registerUsage(program);
registerAudit(program);
try {
  await program.parseAsync(process.argv);
} catch (thrown) {
  if (thrown instanceof CommanderError) process.exitCode = thrown.exitCode === 0 ? EXIT.ok : EXIT.usage;
  else if (thrown instanceof CliExit) {
    process.stderr.write(`${thrown.message}\n`);
    process.exitCode = thrown.exitCode;
  } else {
    process.stderr.write(`error: ${asFlambeauError(thrown).message}\n`);
    process.exitCode = EXIT.requestFailed;
  }
}
