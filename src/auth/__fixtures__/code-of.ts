import assert from 'node:assert/strict';
import { FlambeauError } from '../../errors/index.js';

/** 'ok', or the code of the FlambeauError `fn` threw (any other error fails the test). */
export async function codeOf(fn: () => unknown): Promise<string> {
  try {
    await fn();
    return 'ok';
  } catch (error) {
    assert.ok(error instanceof FlambeauError, String(error));
    return error.code;
  }
}
