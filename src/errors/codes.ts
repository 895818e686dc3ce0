/**
 * The closed table of error codes. Every error that reaches a caller carries one of these as
 * `error.code`; `docs/errors.md` has one section per code (a test keeps the two in sync).
 * `type` is the OpenAI `error.type` that SDK clients expect for that status.
 */
export const CODES = {
  invalid_request: { status: 400, type: 'invalid_request_error', retryable: false },
  unsupported_parameter: { status: 400, type: 'invalid_request_error', retryable: false },
  unauthenticated: { status: 401, type: 'authentication_error', retryable: false },
  budget_exhausted: { status: 402, type: 'insufficient_quota', retryable: false },
  forbidden: { status: 403, type: 'permission_error', retryable: false },
  policy_denied: { status: 403, type: 'permission_error', retryable: false },
  model_not_found: { status: 404, type: 'invalid_request_error', retryable: false },
  not_found: { status: 404, type: 'invalid_request_error', retryable: false },
  method_not_allowed: { status: 405, type: 'invalid_request_error', retryable: false },
  request_timeout: { status: 408, type: 'invalid_request_error', retryable: true },
  conflict: { status: 409, type: 'invalid_request_error', retryable: false },
  payload_too_large: { status: 413, type: 'invalid_request_error', retryable: false },
  unsupported_media_type: { status: 415, type: 'invalid_request_error', retryable: false },
  rate_limited: { status: 429, type: 'rate_limit_error', retryable: true },
  client_closed: { status: 499, type: 'invalid_request_error', retryable: false },
  internal: { status: 500, type: 'server_error', retryable: false },
  config_invalid: { status: 500, type: 'server_error', retryable: false },
  upstream_failed: { status: 502, type: 'server_error', retryable: true },
  engine_unavailable: { status: 503, type: 'server_error', retryable: true },
  no_target_available: { status: 503, type: 'server_error', retryable: true },
  store_unavailable: { status: 503, type: 'server_error', retryable: true },
  upstream_timeout: { status: 504, type: 'server_error', retryable: true },
} as const satisfies Record<string, { status: number; type: string; retryable: boolean }>;

export type ErrorCode = keyof typeof CODES;

export function isErrorCode(value: string): value is ErrorCode {
  return Object.hasOwn(CODES, value);
}
