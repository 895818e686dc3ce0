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

/**
 * A chat call through the running gateway's `POST /v1/chat/completions`, non-streamed, with the
 * run's request id as `x-request-id`. A refused or failed call (403 `policy_denied`, 402
 * `budget_exhausted`, 502...) and a call over `timeoutMs` are results; a 401 (wrong key) and an
 * unreachable gateway stop the run.
 */
export function gatewayCall(client: GatewayClient, timeoutMs: number): CallModel {
  return async ({ body, requestId, signal }): Promise<ModelCallResult> => {
    const t0 = performance.now();
    const timeout = AbortSignal.timeout(timeoutMs);
    let answer: Awaited<ReturnType<GatewayClient['exchange']>>;
    try {
      answer = await client.exchange('/v1/chat/completions', body, { 'x-request-id': requestId }, AbortSignal.any([signal, timeout]));
    } catch (error) {
      if (timeout.aborted && !signal.aborted) return { ok: false, errorCode: 'eval_timeout', status: 0, latencyMs: performance.now() - t0, requestId };
      throw error;
    }
    const latencyMs = performance.now() - t0;
    if (answer.status === 401)
      throw new CliExit(EXIT.unauthenticated, 'error: HTTP 401: the key was refused [unauthenticated] (set FLAMBEAU_MASTER_KEY or --key)');
    const value = json(answer.text);
    if (answer.status >= 400) {
      const code = errorBody.safeParse(value).data?.error.code;
      return {
        ok: false,
        errorCode: typeof code === 'string' && code !== '' ? code.slice(0, 64) : `http_${answer.status}`,
        status: answer.status,
        latencyMs,
        requestId,
      };
    }
    const parsed = completion.safeParse(value);
    if (!parsed.success) return { ok: false, errorCode: 'unreadable_answer', status: answer.status, latencyMs, requestId };
    const message = parsed.data.choices[0]?.message;
    return {
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
  };
}
