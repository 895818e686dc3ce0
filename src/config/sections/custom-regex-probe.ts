import { createContext, Script } from 'node:vm';

/**
 * Catastrophic backtracking, caught when the config is loaded rather than on the request path.
 * A JavaScript regex cannot be interrupted once running: `(\w+\s?)+:` or `(a|a)*b` (exponential),
 * or even `\w+@\w+` (quadratic: every start of a long run of letters rescans the run) on a
 * megabyte chosen by a client would hold the event loop for minutes. So each custom pattern is
 * first run on long adversarial inputs (a run of one kind of character, then characters that make
 * the match fail) inside node:vm, whose `timeout` does interrupt a running regex. A pattern that
 * needs more than the timeout there is refused with the reason; a sane one takes about a
 * millisecond on all of them.
 *
 * This screens, it does not prove: a pattern slow only on inputs unlike these passes. The scan-time
 * budget of custom-regex-detector.ts is the backstop. Making every backtracking regex of the
 * process safe needs V8's `--enable-experimental-regexp-engine-on-excessive-backtracks` flag.
 */

const UNITS = ['a', 'A', '1', ' ', '-', '_', '.', 'a1', 'a ', 'aA1-_. @'];
const PROBE_LENGTH = 20_000;
/** Fails the usual loops at the end: not a word character, not a blank, not a common separator. */
const TAIL = '\u0000!';

const probe = new Script(`
  for (const input of inputs) {
    let n = 0;
    for (const m of input.matchAll(regex)) if (++n > 100000) break;
  }
`);

/** Milliseconds allowed to each pattern on all the probe inputs together. */
export const PROBE_TIMEOUT_MS = 250;

/**
 * Why `pattern` (already known to compile) is unsafe to run on any input, or null when it ran in
 * reasonable time on the adversarial inputs. About a millisecond for a sane pattern.
 */
export function catastrophicBacktracking(pattern: string, flags: string, timeoutMs = PROBE_TIMEOUT_MS): string | null {
  const context = createContext({
    regex: new RegExp(pattern, `${flags.replace(/[gy]/g, '')}g`),
    inputs: UNITS.map((unit) => unit.repeat(Math.ceil(PROBE_LENGTH / unit.length)) + TAIL),
  });
  try {
    probe.runInContext(context, { timeout: timeoutMs });
    return null;
  } catch (error) {
    if ((error as { code?: unknown }).code !== 'ERR_SCRIPT_EXECUTION_TIMEOUT') return 'fails on a long input';
    return (
      `takes over ${timeoutMs} ms on a ${PROBE_LENGTH.toLocaleString('en')}-character input (its repetitions backtrack): ` +
      'bound them, e.g. [A-Z]{1,20} rather than [A-Z]+, and avoid nested ones such as (a+)+'
    );
  }
}
