// Runs the stand-in cloud in its own process, so benchmarks measure the gateway's CPU alone.
import { startStandInCloud } from '../test/helpers/stand-in-cloud.js';

const cloud = await startStandInCloud();
// STAND_IN_ECHO=1 answers with the prompt instead (a second, different model for shadow
// comparisons); STAND_IN_FAIL=1 answers every request with a 500.
cloud.setDefault(
  process.env.STAND_IN_FAIL === '1'
    ? { kind: 'fail', status: 500 }
    : process.env.STAND_IN_ECHO === '1'
      ? { kind: 'echo' }
      : { kind: 'reply', text: 'The quick brown fox jumps over the lazy dog.' },
);
// Keep the record from growing without bound during long runs.
setInterval(() => cloud.requests.splice(0), 1000).unref();
process.stdout.write(`listening on ${cloud.url}\n`);
process.on('SIGTERM', () => void cloud.close().then(() => process.exit(0)));
