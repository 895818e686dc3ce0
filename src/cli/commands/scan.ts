import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { loadConfig } from '../../config/load-config.js';
import { createShippedInjectionScanner, findHiddenHtml, INJECTION_SOURCES, type InjectionSource } from '../../injection/index.js';
import { createPrivacyGuard } from '../../privacy/index.js';
import { scanReport } from '../../privacy/scan-report.js';
import { CliExit, EXIT } from '../exit-codes.js';
import { printTable } from '../table.js';
import { jsonText, safe } from '../terminal-text.js';

/** Runs in-process, like `serve`: an operator checks a document without a server or a network. */
export function registerScan(program: Command): void {
  program
    .command('scan')
    .description(
      'Find personal and secret data in a document (FILE, or - for standard input) with the configured privacy detectors; with --injection, score it as a prompt injection instead.',
    )
    .argument('<file>', 'a text file, or - to read standard input')
    .option('--config <path>', 'config file whose privacy section (custom detectors, detect list) or injection threshold applies')
    .option('--home <dir>', 'home folder')
    .option('--json', 'print the spans (or the injection verdict) as JSON')
    .option('--injection', 'score the text as a prompt injection, as POST /v1/injection/scan does')
    .option('--source <source>', `with --injection: where the text would come from (${INJECTION_SOURCES.join(', ')})`, 'document')
    .option('--fail-on-findings', 'exit with code 1 when anything is found, or the text is flagged (for scripts and CI)')
    .action(async (file: string, opts: { config?: string; home?: string; json?: boolean; injection?: boolean; source: string; failOnFindings?: boolean }) => {
      const config = loadConfig({ configPath: opts.config, home: opts.home });
      if (opts.injection === true && !(INJECTION_SOURCES as readonly string[]).includes(opts.source))
        throw new CliExit(EXIT.usage, `error: --source must be one of ${INJECTION_SOURCES.join(', ')}`);
      const text = file === '-' ? await readStdin() : readText(file);
      if (opts.injection === true) {
        const flagged = printInjection(text, opts.source as InjectionSource, config.injection.threshold, /\.html?$/i.test(file), opts.json === true);
        if (opts.failOnFindings === true && flagged) process.exitCode = EXIT.requestFailed;
        return;
      }
      const report = scanReport(createPrivacyGuard(config.privacy), text);
      if (opts.json === true) {
        process.stdout.write(`${jsonText(report)}\n`);
      } else {
        const lines = lineStarts(text);
        printTable(
          ['LINE:COL', 'TYPE', 'VALUE'],
          report.spans.map((s) => {
            const { line, col } = position(lines, s.start);
            return [`${line}:${col}`, s.type, s.text.replace(/\s+/g, ' ')];
          }),
        );
        const totals = Object.entries(report.findings)
          .map(([type, n]) => `${type} ${n}`)
          .join(', ');
        process.stdout.write(
          safe`\n${report.spans.length === 0 ? 'nothing found' : `found: ${totals}`}${report.failures.length > 0 ? `; detectors that failed: ${report.failures.join(', ')}` : ''}\n`,
        );
      }
      if (opts.failOnFindings === true && report.spans.length > 0) process.exitCode = EXIT.requestFailed;
    });
}

/** Prints the verdict (the API's answer with --json, a line and a table of signals without); returns whether it is flagged. */
function printInjection(text: string, source: InjectionSource, threshold: number, html: boolean, json: boolean): boolean {
  const scan = createShippedInjectionScanner({ threshold }).scan(text, source, html ? { hidden: findHiddenHtml(text) } : {});
  if (json) {
    process.stdout.write(
      `${JSON.stringify({ source: scan.source, flagged: scan.flagged, score: Number(scan.score.toFixed(4)), threshold, signals: scan.signals, coverage: scan.coverage }, null, 2)}\n`,
    );
    return scan.flagged;
  }
  const lines = lineStarts(text);
  if (scan.signals.length > 0) {
    printTable(
      ['LINE:COL', 'SIGNAL', 'DETAIL', 'COUNT'],
      scan.signals.map((s) => {
        const { line, col } = position(lines, s.start);
        return [`${line}:${col}`, s.kind, s.detail, String(s.count)];
      }),
    );
    process.stdout.write('\n');
  }
  const partial = scan.coverage < 1 ? ` (read ${(100 * scan.coverage).toFixed(0)}% of the text)` : '';
  process.stdout.write(`${scan.flagged ? 'flagged' : 'not flagged'}: score ${scan.score.toFixed(2)} as ${source} (threshold ${threshold})${partial}\n`);
  return scan.flagged;
}

function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw new CliExit(EXIT.usage, `error: cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

function position(starts: number[], offset: number): { line: number; col: number } {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((starts[mid] as number) <= offset) lo = mid;
    else hi = mid - 1;
  }
  return { line: lo + 1, col: offset - (starts[lo] as number) + 1 };
}
