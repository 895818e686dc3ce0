// Public types of the stand-in cloud. Other test helpers and benchmarks code against these names.

export interface StartStandInCloudOptions {
  /**
   * When set, requests must carry it (`Authorization: Bearer …` for OpenAI, `x-api-key` for
   * Anthropic) or they get that protocol's real 401 body. Auth failures do not consume a
   * scripted behaviour.
   */
  apiKey?: string;
}

export interface StandInCloud {
  /** `http://127.0.0.1:PORT`, port assigned by the OS. */
  readonly url: string;
  /** `url + '/v1'`: POST /chat/completions, POST /embeddings, GET /models. */
  readonly openaiBaseUrl: string;
  /** `url`: POST /v1/messages (and GET /v1/models when `anthropic-version` is sent). */
  readonly anthropicBaseUrl: string;
  /** Every request received, in arrival order. `reset()` empties this same array. */
  readonly requests: RecordedRequest[];
  /** Queues behaviours for the next requests, first in first out; then the default applies. */
  script(...behaviours: Behaviour[]): void;
  /** Replaces the default (initially `{ kind: 'reply', text: 'Hello from the stand-in cloud.' }`). */
  setDefault(behaviour: Behaviour): void;
  /** Clears requests, queue and default. */
  reset(): void;
  /**
   * Resolves once `predicate(requests)` holds, re-checked whenever a request arrives, is parsed,
   * completes, is aborted or is broken by a behaviour. Event-driven, so tests need no polling or
   * timing thresholds: `await cloud.waitFor((r) => r[0]?.aborted === true)`.
   */
  waitFor(predicate: (requests: readonly RecordedRequest[]) => boolean): Promise<void>;
  /** Closes the server and every open socket (hanging requests included). */
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

export interface RecordedRequest {
  protocol: 'openai' | 'anthropic';
  path: string;
  method: string;
  headers: Record<string, string | string[] | undefined>;
  /** Parsed JSON; the raw text when it was not JSON; undefined for an empty body. */
  body: unknown;
  /** True when the client went away before the response was complete. */
  aborted: boolean;
  /** True once the whole response was handed to the socket. */
  completed: boolean;
  /** `Date.now()` when the request line arrived. */
  receivedAt: number;
}

export interface ScriptedToolCall {
  name: string;
  /** The JSON text of the arguments, streamed in fragments. */
  arguments: string;
  id?: string;
}

export type Behaviour =
  | {
      kind: 'reply';
      text?: string;
      toolCalls?: ScriptedToolCall[];
      /** Default true. False omits usage entirely, as an upstream that reports none. */
      usage?: boolean;
      /** Characters per streamed delta; default one word (with its leading space). */
      chunkSize?: number;
      /**
       * Raw finish reason. Either vocabulary works on both protocols: 'stop'/'end_turn',
       * 'length'/'max_tokens', 'tool_calls'/'tool_use', 'content_filter'/'refusal' are mapped;
       * anything else is sent as is.
       */
      finishReason?: string;
    }
  /** Answers with the text of every message (and Anthropic `system`) joined with '\n'. */
  | { kind: 'echo'; /** Characters per streamed delta; default one word. */ chunkSize?: number }
  /** The protocol's real error envelope with this status; `retry-after` header when given. */
  | { kind: 'fail'; status: number; message?: string; retryAfterSeconds?: number }
  /** Destroys the socket (TCP reset) before any response byte. */
  | { kind: 'reset' }
  /** Never answers; recorded as aborted when the client gives up. */
  | { kind: 'hang' }
  /** Waits before each streamed frame, or before the headers of a JSON reply; `then` defaults to the default. */
  | { kind: 'slow'; delayMs: number; then?: Behaviour }
  /** Streams that many frames then destroys the socket; non-streamed: headers and half the body. */
  | { kind: 'break-mid-stream'; afterChunks: number }
  /**
   * Streams that many frames, then the protocol's in-stream error frame (OpenAI `data: {"error":…}`,
   * Anthropic `event: error`), then ends the response cleanly. Non-streamed: like `fail`.
   * Status defaults to 500 (OpenAI, server_error) and 529 (Anthropic, overloaded_error).
   */
  | { kind: 'error-mid-stream'; afterChunks: number; status?: number; message?: string }
  /**
   * Sends `body` verbatim (status default 200, content type default `text/event-stream` when the
   * request asks for a stream, else `application/json`): a recorded fixture, or a malformed payload
   * a real API would never send. `hold: true` keeps the response open after the bytes, as an
   * upstream still generating; it ends when the client leaves (recorded as aborted) or on close().
   */
  | { kind: 'raw'; body: string | Buffer; status?: number; contentType?: string; hold?: boolean };
