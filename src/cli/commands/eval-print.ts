import { disagreements, summarizeRun, type EvalResult, type EvalRun, type RunComparison } from '../../eval/index.js';
import { printTable } from '../table.js';
import { terminalSafe, terminalSafeProse } from '../terminal-text.js';
import { formatUsd } from './usage.js';

type Write = (text: string) => void;
const out: Write = (text) => process.stdout.write(text);

const pct = (x: number | null): string => (x === null ? '-' : `${Math.round(x * 100)}%`);
const ms = (x: number | null): string => (x === null ? '-' : String(Math.round(x)));
const usd = (x: number | null, unknown: number): string => (x === null ? '-' : `${formatUsd(x)}${unknown > 0 ? '+?' : ''}`);

/** The run's header line and one row per model: pass rate with its 95% interval, latency, tokens, cost. */
export function printRunSummary(run: EvalRun, stored: boolean, write: Write = out): void {
  const judge = run.judge === null ? '' : `  judge: ${run.judge}`;
  write(`${terminalSafe(stored ? `run ${run.id}` : 'run (not stored)')}  ${terminalSafe(run.source)}  ${run.cases} case(s)${terminalSafe(judge)}\n`);
  const summaries = summarizeRun(run.results, run.models);
  printTable(
    ['MODEL', 'PASSED', 'RATE', '95% CI', 'ERRORS', 'P50 MS', 'P95 MS', 'TOKENS IN', 'TOKENS OUT', 'COST USD', 'JUDGE USD'],
    summaries.map((s) => [
      s.model,
      `${s.passed}/${s.cases}`,
      pct(s.passRate),
      `${pct(s.ci.low)}-${pct(s.ci.high)}`,
      String(s.errors),
      ms(s.latencyP50Ms),
      ms(s.latencyP95Ms),
      String(s.inputTokens),
      String(s.outputTokens),
      usd(s.costUsd, s.costUnknown),
      run.judge === null ? '-' : usd(s.judgeCostUsd, 0),
    ]),
    write,
  );
  if (!stored) write("(costs are known once the run is stored: they come from the gateway's usage records)\n");
  else if (summaries.some((s) => s.costUnknown > 0)) write('(+? : some calls have no usage record, e.g. with audit.enabled: false)\n');
}

/** Failed cases: model, grader, the reason (never the answer). */
export function printFailures(run: EvalRun, write: Write = out): void {
  const failed = run.results.filter((r) => r.pass !== true);
  if (failed.length === 0) return;
  write('\nfailed:\n');
  printTable(
    ['CASE', 'MODEL', 'GRADER', 'REASON'],
    failed.map((r) => [r.caseId, r.model, r.grader, r.reason]),
    write,
  );
}

const clip = (text: string, max = 240): string => (text.length <= max ? text : `${text.slice(0, max)}…`);

/** Cases where the models disagree, each model's verdict and reason, and its answer when known. */
export function printDiff(results: readonly EvalResult[], write: Write = out): void {
  const cases = disagreements(results);
  write(`\n${cases.length} case(s) where the models disagree${cases.length === 0 ? '' : ':'}\n`);
  for (const { caseId, results: rs } of cases) {
    write(`\n${terminalSafe(caseId)}  [${terminalSafe(rs[0]?.grader ?? '')}]\n`);
    const width = Math.max(...rs.map((r) => r.model.length));
    for (const r of rs) {
      write(`  ${terminalSafe(r.model.padEnd(width))}  ${r.pass === true ? 'pass' : 'FAIL'}  ${terminalSafe(r.reason)}\n`);
      if (r.answer !== null) {
        // Model text: line breaks kept as an indented quote, escape sequences never reach the terminal.
        for (const line of terminalSafeProse(clip(r.answer)).split('\n')) write(`      | ${line}\n`);
      }
    }
  }
}

const signed = (x: number): string => `${x >= 0 ? '+' : ''}${Math.round(x * 100)} pts`;

/** Two runs side by side per model, the cases that flipped, and McNemar's p-value on the pairs. */
export function printComparison(c: RunComparison, write: Write = out): void {
  write(`${terminalSafe(c.before)} -> ${terminalSafe(c.after)}\n`);
  if (!c.sameSuite) write('note: the runs used different suite files; only the case ids they share are paired.\n');
  printTable(
    ['MODEL', 'BEFORE', 'AFTER', 'CHANGE', 'PAIRED', 'REGRESSED', 'IMPROVED', 'P-VALUE'],
    c.models.map((m) => [
      m.model,
      `${pct(m.before.passRate)} (${m.before.passed}/${m.before.cases})`,
      `${pct(m.after.passRate)} (${m.after.passed}/${m.after.cases})`,
      signed((m.after.passRate ?? 0) - (m.before.passRate ?? 0)),
      String(m.paired),
      String(m.regressed.length),
      String(m.improved.length),
      m.pValue.toPrecision(2),
    ]),
    write,
  );
  for (const m of c.models) {
    if (m.regressed.length > 0) write(`${terminalSafe(m.model)} regressed on: ${terminalSafe(m.regressed.join(', '))}\n`);
    if (m.improved.length > 0) write(`${terminalSafe(m.model)} improved on: ${terminalSafe(m.improved.join(', '))}\n`);
  }
  if (c.models.length === 0) write('(no model in common)\n');
}
