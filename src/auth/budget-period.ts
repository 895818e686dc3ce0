import type { BudgetPeriod } from './principal.js';

export const DAY_MS = 86_400_000;

/** The UTC day start (unix ms) that holds `at`. */
export function dayStart(at: number): number {
  return Math.floor(at / DAY_MS) * DAY_MS;
}

/**
 * The calendar period (UTC) holding `at`: `day` from midnight, `week` from Monday (ISO weeks),
 * `month` from the 1st; `total` never rolls over. `end` is null for `total`.
 */
export function periodBounds(period: BudgetPeriod, at: number): { start: number; end: number | null } {
  const d = new Date(at);
  switch (period) {
    case 'day': {
      const start = dayStart(at);
      return { start, end: start + DAY_MS };
    }
    case 'week': {
      const sinceMonday = (d.getUTCDay() + 6) % 7;
      const start = dayStart(at) - sinceMonday * DAY_MS;
      return { start, end: start + 7 * DAY_MS };
    }
    case 'month':
      return { start: Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1), end: Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1) };
    case 'total':
      return { start: 0, end: null };
  }
}
