import { FlambeauError } from '../errors/index.js';
import { BUDGET_PERIODS, type Budget, type BudgetPeriod } from './principal.js';

// Text forms shared by the CLI flags and the admin API: `30d`, `25/month`, `a,b` or `*`, `2026-11-01`.

const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** `90s`, `15m`, `12h`, `30d`, `2w` → milliseconds. Throws `invalid_request` naming `param`. */
export function parseDuration(text: string, param = 'duration'): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([smhdw])\s*$/i.exec(text);
  const value = match === null ? Number.NaN : Number(match[1]) * (UNIT_MS[(match[2] as string).toLowerCase()] as number);
  if (!(value > 0))
    throw new FlambeauError('invalid_request', `Invalid ${param} '${text.slice(0, 40)}': use a number and a unit, e.g. 90s, 15m, 12h, 30d or 2w.`, { param });
  return value;
}

/** `25/month`, `10/day`, `5/week`, `100/total`; a bare `25` means per month. */
export function parseBudget(text: string, param = 'budget'): Budget {
  const match = /^\s*\$?(\d+(?:\.\d+)?)\s*(?:\/\s*([a-z]+))?\s*$/i.exec(text);
  const period = (match?.[2] ?? 'month').toLowerCase();
  if (match === null || !(BUDGET_PERIODS as readonly string[]).includes(period)) {
    throw new FlambeauError(
      'invalid_request',
      `Invalid ${param} '${text.slice(0, 40)}': use USD/PERIOD, e.g. 25/month (periods: ${BUDGET_PERIODS.join(', ')}).`,
      { param },
    );
  }
  return { usd: Number(match[1]), period: period as BudgetPeriod };
}

/** `a,b` → ['a', 'b']; `*` → ['*']; blanks dropped. */
export function parseNameList(text: string): string[] {
  return text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

/**
 * A start time: an ISO date or date-time (`2026-11-01`; UTC unless it names a zone), or a
 * duration back from `now` (`24h`, `7d`). Returns unix ms.
 */
export function parseSince(text: string, now: number, param = 'since'): number {
  const trimmed = text.trim();
  if (/^\d+(?:\.\d+)?\s*[smhdw]$/i.test(trimmed)) return now - parseDuration(trimmed, param);
  const dated = /^\d{4}-\d{2}-\d{2}$/.test(trimmed) ? `${trimmed}T00:00:00` : trimmed;
  const iso = /(?:[zZ]|[+-]\d{2}:?\d{2})$/.test(dated) ? dated : `${dated}Z`;
  const at = /^\d{4}-\d{2}-\d{2}T/.test(iso) ? Date.parse(iso) : Number.NaN;
  if (Number.isNaN(at))
    throw new FlambeauError(
      'invalid_request',
      `Invalid ${param} '${trimmed.slice(0, 40)}': use a date (2026-11-01), an ISO time, or a duration back from now (24h, 7d).`,
      { param },
    );
  return at;
}
