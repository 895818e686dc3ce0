/** Prints rows as an aligned plain-text table (no colours: output is often piped). */
export function printTable(head: string[], rows: string[][], write: (text: string) => void = (t) => process.stdout.write(t)): void {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => `${cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ').trimEnd()}\n`;
  write(line(head));
  for (const row of rows) write(line(row));
}
