/**
 * Download progress on a terminal or in a log. On a TTY: one bar redrawn in place (bytes, rate,
 * ETA). Otherwise: a plain line each time another 10% is done (or every `intervalMs` when the
 * size is unknown), so that logs and tests read it line by line.
 */
export interface ProgressReporter {
  update(received: number, total: number | null): void;
  note(text: string): void;
  done(): void;
}

export interface ProgressOptions {
  out: { write(text: string): unknown; isTTY?: boolean };
  label: string;
  /** Milliseconds; injectable for tests. */
  now?: () => number;
  intervalMs?: number;
}

export function createProgressReporter(options: ProgressOptions): ProgressReporter {
  const now = options.now ?? Date.now;
  const tty = options.out.isTTY === true;
  const intervalMs = options.intervalMs ?? 2000;
  const startedAt = now();
  let firstReceived: number | null = null;
  let lastDecile = -1;
  let lastLineAt = startedAt;
  let lastDraw = 0;
  let last = { received: 0, total: null as number | null };

  const describe = (received: number, total: number | null): string => {
    const elapsed = Math.max(1, now() - startedAt) / 1000;
    const rate = (received - (firstReceived ?? 0)) / elapsed;
    const pct = total === null || total === 0 ? null : Math.floor((received / total) * 100);
    const eta = total === null || rate <= 0 ? null : (total - received) / rate;
    return [
      pct === null ? formatBytes(received) : `${pct}% ${formatBytes(received)} / ${formatBytes(total ?? 0)}`,
      `${formatBytes(rate)}/s`,
      eta === null ? null : `ETA ${formatDuration(eta)}`,
    ]
      .filter((x) => x !== null)
      .join(', ');
  };

  return {
    update(received, total) {
      firstReceived ??= received;
      last = { received, total };
      if (tty) {
        if (now() - lastDraw < 100 && received !== total) return;
        lastDraw = now();
        const pct = total === null || total === 0 ? 0 : received / total;
        const width = 24;
        const bar = '#'.repeat(Math.round(pct * width)).padEnd(width, '-');
        options.out.write(`\r${options.label} [${bar}] ${describe(received, total)}\x1b[K`);
        return;
      }
      const decile = total === null || total === 0 ? -1 : Math.floor((received / total) * 10);
      if (decile > lastDecile || (total === null && now() - lastLineAt >= intervalMs)) {
        lastDecile = Math.max(lastDecile, decile);
        lastLineAt = now();
        options.out.write(`${options.label}: ${describe(received, total)}\n`);
      }
    },
    note(text) {
      options.out.write(`${tty ? '\r\x1b[K' : ''}${options.label}: ${text}\n`);
    },
    done() {
      const line = `${options.label}: done, ${formatBytes(last.received)} in ${formatDuration((now() - startedAt) / 1000)}\n`;
      options.out.write(tty ? `\r\x1b[K${line}` : line);
    },
  };
}

export function formatBytes(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${unit === 0 ? Math.round(value) : value.toFixed(1)} ${units[unit]}`;
}

function formatDuration(seconds: number): string {
  if (seconds < 60) return `${Math.ceil(seconds)}s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m${String(Math.ceil(seconds % 60)).padStart(2, '0')}s`;
  return `${Math.floor(seconds / 3600)}h${String(Math.floor((seconds % 3600) / 60)).padStart(2, '0')}m`;
}
