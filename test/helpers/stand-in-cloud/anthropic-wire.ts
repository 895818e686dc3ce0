// Anthropic's error shape (`{type:'error', error:{type,message}, request_id}`), its required
// headers (`x-api-key`, `anthropic-version`) and GET /v1/models. See docs.claude.com/en/api/errors.
import { randomId } from './ids.js';
import { jsonPlan, type JsonPlan, type ProtocolWire, type ResponseHeaders, type Route } from './plan.js';

const ERROR_TYPES: Record<number, [type: string, message: string]> = {
  400: ['invalid_request_error', 'Invalid request'],
  401: ['authentication_error', 'invalid x-api-key'],
  402: ['billing_error', 'Your credit balance is too low to access the Anthropic API.'],
  403: ['permission_error', 'Your API key does not have permission to use the specified resource.'],
  404: ['not_found_error', 'Not found'],
  413: ['request_too_large', 'Request exceeds the maximum allowed number of bytes.'],
  429: ['rate_limit_error', 'Number of request tokens has exceeded your per-minute rate limit.'],
  500: ['api_error', 'Internal server error'],
  504: ['timeout_error', 'Request timed out'],
  529: ['overloaded_error', 'Overloaded'],
};

function errorType(status: number): [type: string, message: string] {
  return ERROR_TYPES[status] ?? (status >= 500 ? ['api_error', 'Internal server error'] : ['invalid_request_error', 'Invalid request']);
}

export function anthropicHeaders(requestId: string = randomId('req_011C', 20)): ResponseHeaders {
  return { 'request-id': requestId };
}

function anthropicError(status: number, type: string, message: string, headers: ResponseHeaders = {}): JsonPlan {
  const requestId = randomId('req_011C', 20);
  return jsonPlan(status, { type: 'error', error: { type, message }, request_id: requestId }, { ...anthropicHeaders(requestId), ...headers });
}

/** A 400 worded as the API words a bad field. */
export function anthropicInvalid(message: string): JsonPlan {
  return anthropicError(400, 'invalid_request_error', message);
}

export const anthropicWire: ProtocolWire = {
  protocol: 'anthropic',
  failure(status, message, retryAfterSeconds) {
    const [type, fallback] = errorType(status);
    const headers: ResponseHeaders = retryAfterSeconds === undefined ? {} : { 'retry-after': String(retryAfterSeconds) };
    return anthropicError(status, type, message ?? fallback, headers);
  },
  errorFrame(status, message) {
    const [type, fallback] = errorType(status ?? 529);
    return `event: error\ndata: ${JSON.stringify({ type: 'error', error: { type, message: message ?? fallback } })}\n\n`;
  },
  checkHeaders(headers, apiKey) {
    if (apiKey !== undefined) {
      const key = headers['x-api-key'];
      if (typeof key !== 'string' || key === '') return anthropicError(401, 'authentication_error', 'x-api-key header is required');
      if (key !== apiKey) return anthropicError(401, 'authentication_error', 'invalid x-api-key');
    }
    const version = headers['anthropic-version'];
    if (typeof version !== 'string' || version === '') return anthropicInvalid('anthropic-version: header is required');
    return undefined;
  },
  notFound() {
    return anthropicError(404, 'not_found_error', 'Not Found');
  },
  unparsable() {
    return anthropicInvalid('There was an issue with the format or content of your request: the body is not valid JSON.');
  },
};

export const ANTHROPIC_MODELS = [
  { id: 'claude-sonnet-4-20250514', display_name: 'Claude Sonnet 4', created_at: '2025-05-22T00:00:00Z' },
  { id: 'claude-3-5-haiku-20241022', display_name: 'Claude Haiku 3.5', created_at: '2024-10-22T00:00:00Z' },
] as const;

export const anthropicModelsRoute: Route = {
  wire: anthropicWire,
  streams: () => false,
  texts: () => [],
  validate: () => undefined,
  answer() {
    const data = ANTHROPIC_MODELS.map((m) => ({ type: 'model', ...m }));
    return jsonPlan(200, { data, has_more: false, first_id: data[0]?.id ?? null, last_id: data.at(-1)?.id ?? null }, anthropicHeaders());
  },
};
