import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { loadConfig } from '../../config/load-config.js';
import { createPrivacyGuard } from '../../privacy/index.js';
import { scanReport } from '../../privacy/scan-report.js';
import { CliExit, EXIT } from '../exit-codes.js';
import { printTable } from '../table.js';
import { jsonText, safe } from '../terminal-text.js';

/** Runs in-process, like `serve`: an operator checks a document without a server or a network. */
export function registerScan(program: Command): void {
  program
    .command('scan')
    .description('Find personal and secret data in a document (FILE, or - for standard input) with the configured privacy detectors.')
    .argument('<file>', 'a text file, or - to read standard input')
    .option('--config <path>', 'config file whose privacy section (custom detectors, detect list) applies')
    .option('--home <dir>', 'home folder')
    .option('--json', 'print the spans as JSON')
    .option('--fail-on-findings', 'exit with code 1 when anything is found (for scripts and CI)')
    .action(async (file: string, opts: { config?: string; home?: string; json?: boolean; failOnFindings?: boolean }) => {
      const config = loadConfig({ configPath: opts.config, home: opts.home });
      const text = file === '-' ? await readStdin() : readText(file);
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
        const totals = Object.entries(report.findings).map(([type, n]) => `${type} ${n}`).join(', ');
        process.stdout.write(safe`\n${report.spans.length === 0 ? 'nothing found' : `found: ${totals}`}${report.failures.length > 0 ? `; detectors that failed: ${report.failures.join(', ')}` : ''}\n`);
      }
      if (opts.failOnFindings === true && report.spans.length > 0) process.exitCode = EXIT.requestFailed;
    });
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
