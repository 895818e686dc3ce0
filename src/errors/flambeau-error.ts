import { CODES, type ErrorCode } from './codes.js';

/**
 * The only error type thrown inside `src/`. `details` must be safe to show to the caller:
 * no secrets, no prompt or answer text. `param` names the offending request field (OpenAI's
 * `error.param`), when there is one.
 */
export class FlambeauError extends Error {
  readonly code: ErrorCode;
  readonly details: Readonly<Record<string, unknown>>;
  readonly param: string | null;

  constructor(code: ErrorCode, message: string, options: { details?: Record<string, unknown>; param?: string | null; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'FlambeauError';
    this.code = code;
    this.details = options.details ?? {};
    this.param = options.param ?? null;
  }

  get status(): number {
    return CODES[this.code].status;
  }

  get retryable(): boolean {
    return CODES[this.code].retryable;
  }
}

function isAbort(thrown: unknown): boolean {
  if (!(thrown instanceof Error)) return false;
  return thrown.name === 'AbortError' || (thrown as { code?: unknown }).code === 'ABORT_ERR';
}

/** Wraps anything thrown into a FlambeauError once, at a boundary (http, cli), keeping `cause`. */
export function asFlambeauError(thrown: unknown): FlambeauError {
  if (thrown instanceof FlambeauError) return thrown;
  if (isAbort(thrown)) return new FlambeauError('client_closed', 'The request was cancelled.', { cause: thrown });
  return new FlambeauError('internal', 'Internal error.', { cause: thrown });
}
