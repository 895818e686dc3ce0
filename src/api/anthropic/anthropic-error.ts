import type { ServerResponse } from 'node:http';
import type { FlambeauError } from '../../errors/index.js';
import { sendErrorAs } from '../http/send.js';

/**
 * Anthropic's `error.type` for our status. 402 (budget) has no Anthropic status of its own: its
 * body says `permission_error` (the SDK's nearest class) and keeps 402, so a client sees why.
 */
function errorType(status: number): string {
  if (status === 401) return 'authentication_error';
  if (status === 402 || status === 403) return 'permission_error';
  if (status === 404) return 'not_found_error';
  if (status === 413) return 'request_too_large';
  if (status === 429) return 'rate_limit_error';
  if (status === 503) return 'overloaded_error';
  if (status === 504) return 'timeout_error';
  if (status >= 500) return 'api_error';
  return 'invalid_request_error';
}

/** `{"type":"error","error":{"type","message"}}`, plus our `code` (and `param`) for clients that branch on it. */
export function anthropicErrorBody(error: FlambeauError): Record<string, unknown> {
  return {
    type: 'error',
    error: { type: errorType(error.status), message: error.message, code: error.code, ...(error.param === null ? {} : { param: error.param }) },
  };
}

/** The Messages API's error shape, for refusals before the handler (401, 403, 429...) and failures before the first byte. */
export function sendAnthropicError(res: ServerResponse, error: FlambeauError): void {
  sendErrorAs(res, error, anthropicErrorBody);
}
