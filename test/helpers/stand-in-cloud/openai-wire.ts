// OpenAI's error envelope, auth check and the two small endpoints (embeddings, models).
// Shapes follow platform.openai.com/docs/api-reference; messages follow what the API sends.
import { embeddingVector, toBase64Float32 } from './embedding-vector.js';
import { randomId } from './ids.js';
import { asRecord, jsonPlan, type JsonPlan, type ProtocolWire, type ResponseHeaders, type Route } from './plan.js';
import { countTokens } from './wire-text.js';

interface OpenAiErrorShape {
  type: string;
  code: string | null;
  message: string;
}

function errorShape(status: number): OpenAiErrorShape {
  if (status === 401)
    return {
      type: 'invalid_request_error',
      code: 'invalid_api_key',
      message: 'Incorrect API key provided. You can find your API key at https://platform.openai.com/account/api-keys.',
    };
  if (status === 404) return { type: 'invalid_request_error', code: 'model_not_found', message: 'The model does not exist or you do not have access to it.' };
  if (status === 429)
    return { type: 'requests', code: 'rate_limit_exceeded', message: 'Rate limit reached for requests per min (RPM). Please try again later.' };
  if (status === 503) return { type: 'server_error', code: null, message: 'The engine is currently overloaded, please try again later.' };
  if (status >= 500) return { type: 'server_error', code: null, message: 'The server had an error while processing your request. Sorry about that!' };
  return { type: 'invalid_request_error', code: null, message: 'Invalid request.' };
}

export function openAiHeaders(): ResponseHeaders {
  return { 'x-request-id': randomId('req_', 32), 'openai-version': '2020-10-01', 'openai-processing-ms': '1' };
}

function openAiError(status: number, error: OpenAiErrorShape & { param?: string | null }, headers: ResponseHeaders = {}): JsonPlan {
  return jsonPlan(
    status,
    { error: { message: error.message, type: error.type, param: error.param ?? null, code: error.code } },
    { ...openAiHeaders(), ...headers },
  );
}

/** A 400 as the API words a bad parameter. */
export function openAiInvalid(message: string, param: string | null = null, code: string | null = null): JsonPlan {
  return openAiError(400, { type: 'invalid_request_error', code, message, param });
}

export const openAiWire: ProtocolWire = {
  protocol: 'openai',
  failure(status, message, retryAfterSeconds) {
    const shape = errorShape(status);
    const headers: ResponseHeaders = retryAfterSeconds === undefined ? {} : { 'retry-after': String(retryAfterSeconds) };
    return openAiError(status, { ...shape, message: message ?? shape.message }, headers);
  },
  errorFrame(status, message) {
    const shape = errorShape(status ?? 500);
    return `data: ${JSON.stringify({ error: { message: message ?? shape.message, type: shape.type, param: null, code: shape.code } })}\n\n`;
  },
  checkHeaders(headers, apiKey) {
    if (apiKey === undefined) return undefined;
    const auth = headers.authorization;
    if (typeof auth !== 'string' || auth === '') {
      return openAiError(401, {
        type: 'invalid_request_error',
        code: null,
        message:
          "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).",
      });
    }
    // The real message quotes a masked key; this one quotes nothing so no secret reaches a log.
    return auth === `Bearer ${apiKey}` ? undefined : openAiError(401, errorShape(401));
  },
  notFound(method, path) {
    return openAiError(404, { type: 'invalid_request_error', code: null, message: `Invalid URL (${method} ${path})` });
  },
  unparsable() {
    return openAiInvalid(
      "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library correctly. The OpenAI API expects a JSON payload, but what was sent was not valid JSON.)",
    );
  },
};

/** Inputs as the API accepts them: a string, strings, token ids or arrays of token ids. */
function embeddingInputs(input: unknown): string[] {
  if (typeof input === 'string') return [input];
  if (!Array.isArray(input)) return [];
  if (input.every((x) => typeof x === 'number')) return [JSON.stringify(input)];
  return input.map((x) => (typeof x === 'string' ? x : JSON.stringify(x)));
}

export const openAiEmbeddingsRoute: Route = {
  wire: openAiWire,
  streams: () => false,
  texts: (body) => embeddingInputs(asRecord(body).input),
  validate(body) {
    const request = asRecord(body);
    if (typeof request.model !== 'string') return openAiInvalid('you must provide a model parameter');
    if (request.input === undefined) return openAiInvalid("Missing required parameter: 'input'.", 'input', 'missing_required_parameter');
    if (embeddingInputs(request.input).length === 0)
      return openAiInvalid("'$.input' is invalid. Please check the API reference: https://platform.openai.com/docs/api-reference.");
    const dims = request.dimensions;
    if (dims !== undefined && (typeof dims !== 'number' || !Number.isInteger(dims) || dims < 1)) {
      return openAiInvalid(
        `Invalid 'dimensions': integer below minimum value. Expected a value >= 1, but got ${String(dims)} instead.`,
        'dimensions',
        'integer_below_min_value',
      );
    }
    return undefined;
  },
  answer(body) {
    const request = asRecord(body);
    const inputs = embeddingInputs(request.input);
    const dimensions = typeof request.dimensions === 'number' ? request.dimensions : 8;
    const base64 = request.encoding_format === 'base64';
    const tokens = inputs.reduce((sum, text) => sum + countTokens(text), 0);
    return jsonPlan(
      200,
      {
        object: 'list',
        data: inputs.map((text, index) => {
          const vector = embeddingVector(text, dimensions);
          return { object: 'embedding', index, embedding: base64 ? toBase64Float32(vector) : Array.from(vector) };
        }),
        model: request.model,
        usage: { prompt_tokens: tokens, total_tokens: tokens },
      },
      openAiHeaders(),
    );
  },
};

/** The models the stand-in claims to serve; any other model id is answered too. */
export const OPENAI_MODELS = ['gpt-4o-mini', 'gpt-4o', 'text-embedding-3-small'] as const;

export const openAiModelsRoute: Route = {
  wire: openAiWire,
  streams: () => false,
  texts: () => [],
  validate: () => undefined,
  answer() {
    const data = OPENAI_MODELS.map((id) => ({ id, object: 'model', created: 1715367049, owned_by: 'system' }));
    return jsonPlan(200, { object: 'list', data }, openAiHeaders());
  },
};
