// What a protocol module hands to the delivery code: the bytes of a response, before any
// failure mode (slow, break, reset) is applied. Keeping them apart lets every behaviour work on
// every endpoint of both protocols.

export type ResponseHeaders = Record<string, string>;

export interface JsonPlan {
  kind: 'json';
  status: number;
  headers: ResponseHeaders;
  body: string;
}

export interface SsePlan {
  kind: 'sse';
  headers: ResponseHeaders;
  /** Complete SSE frames, each ending with a blank line. */
  frames: string[];
}

export type Plan = JsonPlan | SsePlan;

/** A reply with every default filled in, ready to be rendered by a protocol. */
export interface ReplyContent {
  text: string;
  toolCalls: { name: string; arguments: string; id: string | undefined }[];
  usage: boolean;
  chunkSize: number | undefined;
  finishReason: string | undefined;
}

export function jsonPlan(status: number, body: unknown, headers: ResponseHeaders = {}): JsonPlan {
  return {
    kind: 'json',
    status,
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  };
}

export function ssePlan(frames: string[], headers: ResponseHeaders = {}): SsePlan {
  return {
    kind: 'sse',
    headers: {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      ...headers,
    },
    frames,
  };
}

/** How a route answers; the protocol module decides the wire form. */
export interface ProtocolWire {
  readonly protocol: 'openai' | 'anthropic';
  /** The real error envelope for an HTTP status. */
  failure(status: number, message?: string, retryAfterSeconds?: number): JsonPlan;
  /** The in-stream error frame (sent after a 200 has already gone out). */
  errorFrame(status: number | undefined, message: string | undefined): string;
  /** Checks credentials and required headers; an error plan when they are wrong. */
  checkHeaders(headers: Record<string, string | string[] | undefined>, apiKey: string | undefined): JsonPlan | undefined;
  /** The answer to an unknown method or path. */
  notFound(method: string, path: string): JsonPlan;
  /** The answer to a body that is not JSON. */
  unparsable(): JsonPlan;
}

/** One endpoint: its wire, a body check mirroring the real one, and its successful answer. */
export interface Route {
  readonly wire: ProtocolWire;
  /** Undefined when the body is acceptable. */
  validate(body: unknown): JsonPlan | undefined;
  answer(body: unknown, reply: ReplyContent): Plan;
  /** True when the request asks for a stream (`stream: true`). */
  streams(body: unknown): boolean;
  /** The text of every message the request carries, in order (what `echo` sends back). */
  texts(body: unknown): string[];
}

/** Narrowing for parsed JSON without trusting its shape. */
export function asRecord(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}
