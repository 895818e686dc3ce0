import { FlambeauError } from '../errors/index.js';

// PostgreSQL's unique_violation; SQLite's extended codes for a UNIQUE or PRIMARY KEY constraint.
const PG_UNIQUE = '23505';
const SQLITE_UNIQUE = /^SQLITE_CONSTRAINT_(UNIQUE|PRIMARYKEY)$/;

/**
 * A store error that means "a row with this key exists already" (two calls inserting the same
 * key at once, or a repeat), as the `conflict` error (409) both store clients throw, so that a
 * race answers a typed error instead of `internal`. `details.constraint` names the constraint
 * (PostgreSQL) or the columns (SQLite), never the value: PostgreSQL's `detail` holds the key
 * itself and stays in `cause`. Anything else: undefined.
 */
export function conflictFrom(error: unknown): FlambeauError | undefined {
  if (error === null || typeof error !== 'object') return undefined;
  const e = error as { code?: unknown; constraint?: unknown; message?: unknown };
  let constraint: string;
  if (e.code === PG_UNIQUE) constraint = typeof e.constraint === 'string' ? e.constraint : 'unique';
  else if (typeof e.code === 'string' && SQLITE_UNIQUE.test(e.code))
    constraint = typeof e.message === 'string' ? e.message.replace(/^UNIQUE constraint failed: /, '') : 'unique';
  else return undefined;
  return new FlambeauError('conflict', `A row with the same key exists already (${constraint}): another call wrote it first.`, {
    details: { constraint },
    cause: error,
  });
}

/** Rethrows a unique violation as `conflict`, anything else unchanged. */
export function rethrowConflict(error: unknown): never {
  throw conflictFrom(error) ?? error;
}
