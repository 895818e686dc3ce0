import { terminalSafe } from './terminal-text.js';

/**
 * Prints rows as an aligned plain-text table (no colours: output is often piped). Every cell goes
 * through `terminalSafe`: cells carry names clients chose, which must not act on the terminal.
 */
export function printTable(head: string[], rows: string[][], write: (text: string) => void = (t) => process.stdout.write(t)): void {
  const safeRows = rows.map((row) => row.map((cell) => terminalSafe(cell)));
  const widths = head.map((h, i) => Math.max(h.length, ...safeRows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    `${cells
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd()}\n`;
  write(line(head));
  for (const row of safeRows) write(line(row));
}
