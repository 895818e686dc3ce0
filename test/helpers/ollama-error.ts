import assert from 'node:assert/strict';

/**
 * For `assert.rejects`: the `ollama` client's ResponseError, with the status and the message of
 * the `{"error": ...}` body it read.
 */
export const ollamaError = (status: number, pattern: RegExp) => (e: unknown) => {
  const error = e as { name: string; status_code: number; error: string };
  assert.equal(error.name, 'ResponseError');
  assert.equal(error.status_code, status);
  assert.match(error.error, pattern);
  return true;
};
