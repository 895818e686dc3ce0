import type { ServerResponse } from 'node:http';
import { CODES, type FlambeauError } from '../../errors/index.js';

/** Writes a JSON body with the given status; `headers` adds to those already set (the object is not changed). */
export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  sendJsonWith(res, status, body, { ...headers });
}

/**
 * The same, taking `headers` over: content-type and content-length are added to that object (one
 * the caller made for this response), which saves a copy on the hot path.
 */
export function sendJsonWith(res: ServerResponse, status: number, body: unknown, headers: Record<string, string | number>): void {
  sendJsonText(res, status, JSON.stringify(body), headers);
}

/** The same for a body already written as JSON text. */
export function sendJsonText(res: ServerResponse, status: number, text: string, headers: Record<string, string | number>): void {
  headers['content-type'] = 'application/json';
  headers['content-length'] = Buffer.byteLength(text);
  res.writeHead(status, headers);
  res.end(text);
}

/** The OpenAI error envelope: SDK clients parse it; our clients branch on `code`. */
export function errorBody(error: FlambeauError): {
  error: { message: string; type: string; param: string | null; code: string; details?: Record<string, unknown> };
} {
  const details = error.details;
  return {
    error: {
      message: error.message,
      type: CODES[error.code].type,
      param: error.param,
      code: error.code,
      ...(Object.keys(details).length === 0 ? {} : { details: { ...details } }),
    },
  };
}

export function sendError(res: ServerResponse, error: FlambeauError): void {
  sendErrorAs(res, error, errorBody);
}

/**
 * Writes an error with its status in a protocol's own body shape (OpenAI's, Anthropic's, Ollama's),
 * keeping `retry-after` for 429. Once an answer has begun, the connection is cut instead.
 */
export function sendErrorAs(res: ServerResponse, error: FlambeauError, body: (error: FlambeauError) => unknown): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const headers: Record<string, string> = {};
  const retryAfter = error.details.retryAfter;
  if (typeof retryAfter === 'string' || typeof retryAfter === 'number') headers['retry-after'] = String(retryAfter);
  // 499 is ours (nginx's "client closed"); nobody is left to read it.
  sendJson(res, error.status, body(error), headers);
}
