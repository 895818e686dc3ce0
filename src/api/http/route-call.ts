import type { IncomingMessage, ServerResponse } from 'node:http';
import type { z } from 'zod';
import { FlambeauError } from '../../errors/index.js';
import type { Endpoint, GatewayDeps, GatewayRequest, KeyPrincipal } from '../../gateway/index.js';
import type { AdminDeps } from './admin-routes.js';
import { readJsonBody } from './read-json-body.js';
import { invalidRequestFrom } from './zod-issue.js';

export interface AppDeps {
  gateway: GatewayDeps;
  admin: AdminDeps;
  bodyLimitBytes: number;
  /**
   * The principal of a key-less call to the Ollama API (`/api/*`) from a loopback address
   * (`ollama.keyless_loopback`); null: every call needs a key.
   */
  keylessLoopback: KeyPrincipal | null;
  /** `metrics.public_on_loopback`: a scraper on this machine reads `/metrics` without a key. */
  metricsPublicOnLoopback: boolean;
  /** False while starting or draining: /readyz answers 503. */
  isReady: () => boolean;
  /** `engine.preload` models not loaded yet, or that failed to load: /readyz answers 503 and names them. */
  modelsNotReady?: () => { loading: string[]; failed: { model: string; code: string }[] };
}

/** One matched call: the request in flight and the route's path parameters (decoded). */
export interface RouteCall {
  req: IncomingMessage;
  res: ServerResponse;
  request: GatewayRequest;
  params: string[];
  query: URLSearchParams;
  deps: AppDeps;
}

export interface Route {
  method: 'GET' | 'POST' | 'DELETE';
  /** Segments; `:name` matches one non-empty segment, percent-decoded after authentication. */
  path: string;
  /**
   * `admin`: the master key only, nothing recorded but the admin actions' own audit events. An
   * endpoint: any key whose scope allows it; the call is recorded (usage, audit), refused or not.
   */
  access: Endpoint | 'admin';
  /** Kept in the request log as well (latency, time to first token). */
  logged?: boolean;
  handle(call: RouteCall): Promise<void> | void;
  /**
   * Writes an error in this protocol's own shape (Anthropic's, Ollama's), refusals before the
   * handler included (401, 403, 429...). Default: the OpenAI envelope.
   */
  sendError?(res: ServerResponse, error: FlambeauError): void;
}

/**
 * Reads the body as a JSON object and checks it against `schema`: 400 `invalid_request` naming
 * the first bad field, or saying what the body must be (`shape`) when it is not an object.
 */
export async function readBody<T extends z.ZodType>(call: RouteCall, schema: T, shape: string): Promise<z.infer<T>> {
  const raw = await readJsonBody(call.req, call.deps.bodyLimitBytes);
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new FlambeauError('invalid_request', `The request body must be ${shape}.`);
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw invalidRequestFrom(parsed.error);
  return parsed.data;
}
