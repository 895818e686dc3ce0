import { z } from 'zod';
import type { CallModel, ModelCallResult } from '../../eval/index.js';
import type { GatewayClient } from '../client.js';
import { CliExit, EXIT } from '../exit-codes.js';

const completion = z.looseObject({
  choices: z
    .array(
      z.looseObject({
        message: z.looseObject({
          content: z.string().nullable().optional(),
          tool_calls: z.array(z.looseObject({ function: z.looseObject({ name: z.string(), arguments: z.string().optional() }) })).optional(),
        }),
      }),
    )
    .min(1),
  usage: z.looseObject({ prompt_tokens: z.number().optional(), completion_tokens: z.number().optional() }).optional(),
});
const errorBody = z.looseObject({ error: z.looseObject({ code: z.string().nullable().optional() }) });

function json(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

const RATE_LIMIT_RETRIES = 3;
const MAX_RETRY_AFTER_MS = 60_000;

/** One attempt: the result, and when it was a 429, how long the gateway asked to wait. */
interface Attempt {
  result: ModelCallResult;
  retryAfterMs: number | null;
}

/**
 * A chat call through the running gateway's `POST /v1/chat/completions`, non-streamed, with the
 * run's request id as `x-request-id`. A refused or failed call (403 `policy_denied`, 402
 * `budget_exhausted`, 502...) and a call over `timeoutMs` are results; a 401 (wrong key) and an
 * unreachable gateway stop the run. A key's rate limit applies to evaluation too: a 429 is
 * retried after its `Retry-After` (at most 60 s), up to 3 times.
 */
export function gatewayCall(client: GatewayClient, timeoutMs: number): CallModel {
  return async (call) => {
    for (let attempt = 0; ; attempt++) {
      const { result, retryAfterMs } = await callOnce(client, timeoutMs, call);
      if (result.ok || result.errorCode !== 'rate_limited' || retryAfterMs === null || attempt >= RATE_LIMIT_RETRIES) return result;
      await sleep(retryAfterMs, call.signal);
    }
  };
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        reject(signal.reason);
      },
      { once: true },
    );
  });
}

function retryAfter(value: string | string[] | undefined): number | null {
  const seconds = Number(Array.isArray(value) ? value[0] : value);
  return value !== undefined && Number.isFinite(seconds) && seconds >= 0 ? Math.min(MAX_RETRY_AFTER_MS, Math.ceil(seconds * 1000)) : null;
}

async function callOnce(client: GatewayClient, timeoutMs: number, { body, requestId, signal }: Parameters<CallModel>[0]): Promise<Attempt> {
  const t0 = performance.now();
  const timeout = AbortSignal.timeout(timeoutMs);
  let answer: Awaited<ReturnType<GatewayClient['exchange']>>;
  try {
    answer = await client.exchange('/v1/chat/completions', body, { 'x-request-id': requestId }, AbortSignal.any([signal, timeout]));
  } catch (error) {
    if (timeout.aborted && !signal.aborted)
      return { result: { ok: false, errorCode: 'eval_timeout', status: 0, latencyMs: performance.now() - t0, requestId }, retryAfterMs: null };
    throw error;
  }
  const latencyMs = performance.now() - t0;
  if (answer.status === 401)
    throw new CliExit(EXIT.unauthenticated, 'error: HTTP 401: the key was refused [unauthenticated] (set FLAMBEAU_MASTER_KEY or --key)');
  const value = json(answer.text);
  if (answer.status >= 400) {
    const code = errorBody.safeParse(value).data?.error.code;
    const errorCode = typeof code === 'string' && code !== '' ? code.slice(0, 64) : `http_${answer.status}`;
    return { result: { ok: false, errorCode, status: answer.status, latencyMs, requestId }, retryAfterMs: retryAfter(answer.headers['retry-after']) };
  }
  const parsed = completion.safeParse(value);
  if (!parsed.success) return { result: { ok: false, errorCode: 'unreadable_answer', status: answer.status, latencyMs, requestId }, retryAfterMs: null };
  const message = parsed.data.choices[0]?.message;
  const result: ModelCallResult = {
    ok: true,
    answer: {
      text: message?.content ?? '',
      toolCalls: (message?.tool_calls ?? []).map((call) => ({ name: call.function.name, arguments: call.function.arguments ?? '' })),
    },
    inputTokens: parsed.data.usage?.prompt_tokens ?? null,
    outputTokens: parsed.data.usage?.completion_tokens ?? null,
    latencyMs,
    requestId,
  };
  return { result, retryAfterMs: null };
}
