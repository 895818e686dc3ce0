import assert from 'node:assert/strict';
import { FlambeauError } from '../../errors/index.js';

/** A fresh signal that never aborts. */
export const signal = (): AbortSignal => new AbortController().signal;

/** What `run` rejects with; fails the case when it resolves. */
export async function rejection(run: () => Promise<unknown>): Promise<unknown> {
  try {
    await run();
  } catch (thrown) {
    return thrown;
  }
  assert.fail('expected a rejection');
}

export function assertCode(thrown: unknown, code: FlambeauError['code']): FlambeauError {
  assert.ok(thrown instanceof FlambeauError, `expected a FlambeauError, got ${String(thrown)}`);
  assert.equal(thrown.code, code, thrown.message);
  return thrown;
}
