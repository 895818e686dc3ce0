import { request } from 'undici';
import { parseSse } from '../providers/http/sse-parser.js';
import type { ClientSettings } from '../config/client-settings.js';
import { CliExit, EXIT } from './exit-codes.js';

/** A small typed client of our own HTTP API, for CLI commands. */
export class GatewayClient {
  constructor(private readonly settings: ClientSettings) {}

  async getJson<T>(path: string): Promise<T> {
    const response = await this.#send('GET', path);
    return (await response.body.json()) as T;
  }

  /** POSTs (or DELETEs) JSON and parses the JSON answer; errors become CliExit like getJson's. */
  async sendJson<T>(method: 'POST' | 'DELETE', path: string, body?: unknown): Promise<T> {
    const response = await this.#send(method, path, body);
    return (await response.body.json()) as T;
  }

  /** GETs a body to stream (e.g. JSON lines), without buffering it. */
  async getStream(path: string): Promise<AsyncIterable<Buffer>> {
    const response = await this.#send('GET', path);
    return response.body as AsyncIterable<Buffer>;
  }

  /** POSTs a streaming chat and yields each `data:` payload (parsed) until `[DONE]`. */
  async *streamJson(path: string, body: unknown, signal?: AbortSignal): AsyncGenerator<Record<string, unknown>> {
    const response = await this.#send('POST', path, body, signal);
    for await (const event of parseSse(response.body)) {
      if (event.data === '[DONE]') return;
      const payload = JSON.parse(event.data) as Record<string, unknown>;
      if (payload.error !== undefined) throw new CliExit(EXIT.requestFailed, `error: ${describeError(payload)}`);
      yield payload;
    }
  }

  /**
   * POSTs JSON and returns the answer whatever its status (the caller reads error bodies itself),
   * with the response headers; only an unreachable server throws (CliExit). `headers` are added
   * to the request (e.g. `x-request-id`).
   */
  async exchange(
    path: string,
    body: unknown,
    headers: Record<string, string>,
    signal?: AbortSignal,
  ): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; text: string }> {
    const sent: Record<string, string> = { 'content-type': 'application/json', ...headers };
    if (this.settings.key !== undefined) sent.authorization = `Bearer ${this.settings.key}`;
    let response;
    try {
      response = await request(`${this.settings.url}${path}`, {
        method: 'POST',
        headers: sent,
        body: JSON.stringify(body),
        ...(signal === undefined ? {} : { signal }),
      });
    } catch (error) {
      if (signal?.aborted === true) throw error;
      throw this.#unreachable(error);
    }
    return { status: response.statusCode, headers: response.headers, text: await response.body.text() };
  }

  #unreachable(error: unknown): CliExit {
    return new CliExit(
      EXIT.unreachable,
      `cannot reach flambeau at ${this.settings.url} (${(error as { code?: string }).code ?? (error as Error).message}); is \`flambeau serve\` running? Set --url or FLAMBEAU_URL.`,
    );
  }

  async #send(method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown, signal?: AbortSignal) {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (this.settings.key !== undefined) headers.authorization = `Bearer ${this.settings.key}`;
    let response;
    try {
      response = await request(`${this.settings.url}${path}`, {
        method,
        headers,
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        ...(signal === undefined ? {} : { signal }),
      });
    } catch (error) {
      throw this.#unreachable(error);
    }
    if (response.statusCode >= 400) {
      const text = await response.body.text();
      let payload: Record<string, unknown> = {};
      try {
        payload = JSON.parse(text) as Record<string, unknown>;
      } catch {
        payload = { error: { message: text.slice(0, 300) } };
      }
      const code = response.statusCode === 401 ? EXIT.unauthenticated : EXIT.requestFailed;
      const hint = response.statusCode === 401 ? ' (set FLAMBEAU_MASTER_KEY or --key)' : '';
      throw new CliExit(code, `error: HTTP ${response.statusCode}: ${describeError(payload)}${hint}`);
    }
    return response;
  }
}

function describeError(payload: Record<string, unknown>): string {
  const error = payload.error as { message?: unknown; code?: unknown } | undefined;
  const message = typeof error?.message === 'string' ? error.message : 'unknown error';
  return typeof error?.code === 'string' ? `${message} [${error.code}]` : message;
}
