import type { Answer } from './eval-case.js';

/** What one chat call through the gateway gave: an answer with its usage, or the gateway's error. */
export type ModelCallResult =
  | {
      ok: true;
      answer: Answer;
      inputTokens: number | null;
      outputTokens: number | null;
      latencyMs: number;
      requestId: string;
    }
  | { ok: false; errorCode: string; status: number; latencyMs: number; requestId: string };

/**
 * One chat call through the running gateway (the CLI's HTTP client implements it), so keys,
 * budgets, privacy and audit apply to evaluation as to any traffic. `requestId` is sent as
 * `x-request-id`: the gateway's usage row for the call, and its cost, are found by it. Throws
 * only when the run cannot go on (gateway unreachable, key refused); a refused or failed call is
 * a result.
 */
export type CallModel = (call: { model: string; body: Record<string, unknown>; requestId: string; signal: AbortSignal }) => Promise<ModelCallResult>;
