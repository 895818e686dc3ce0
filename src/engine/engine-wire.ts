import { z } from 'zod';
import { CODES, type ErrorCode } from '../errors/index.js';
import { ENGINE_STOP_REASONS } from './engine.js';
import type { FromWorker } from './engine-protocol.js';

/**
 * The schema of every message the engine process sends (`FromWorker`), applied in the gateway
 * before a message is read: the engine is another process running native code, so what arrives
 * is data from outside. A message that does not match ends that engine process (worker-process.ts).
 */
const id = z.number().int().nonnegative();
const count = z.number().int().nonnegative();
const key = z.string();

const errorCode = z.enum(Object.keys(CODES) as [ErrorCode, ...ErrorCode[]]);
const wireError = z.object({
  code: errorCode,
  message: z.string(),
  details: z.record(z.string(), z.unknown()).optional(),
  param: z.string().nullable().optional(),
});

const usage = z.object({ inputTokens: count, cachedInputTokens: count, outputTokens: count });

const chatEvent = z.discriminatedUnion('type', [
  z.object({ type: z.literal('start'), promptTokens: count, cachedPromptTokens: count, contextSize: count }),
  z.object({ type: z.literal('text'), text: z.string() }),
  z.object({ type: z.literal('tool-call'), index: count, name: z.string(), argsDelta: z.string() }),
  z.object({ type: z.literal('end'), stopReason: z.enum(ENGINE_STOP_REASONS), usage }),
]);

export const fromWorkerSchema = z.discriminatedUnion('t', [
  z.object({ t: z.literal('ready'), pid: count }),
  z.object({ t: z.literal('fatal'), error: wireError }),
  z.object({ t: z.literal('log'), level: z.enum(['debug', 'info', 'warn', 'error']), message: z.string() }),
  z.object({ t: z.literal('loaded'), key }),
  z.object({ t: z.literal('unloaded'), key }),
  z.object({ t: z.literal('threads'), key, chat: count, embedding: count.nullable() }),
  z.object({ t: z.literal('events'), id, events: z.array(chatEvent).min(1) }),
  z.object({ t: z.literal('embedded'), id, vectors: z.array(z.custom<Float32Array>((value) => value instanceof Float32Array)), inputTokens: count }),
  z.object({ t: z.literal('load-done'), id }),
  z.object({ t: z.literal('failed'), id, error: wireError, usage: usage.nullable() }),
]);

/** Compile-time check that the schema describes `FromWorker` exactly (both ways). */
type Parsed = z.infer<typeof fromWorkerSchema>;
const _sameShape: [Parsed extends FromWorker ? true : false, FromWorker extends Parsed ? true : false] = [true, true];
void _sameShape;

/** Where and why a message did not match: paths and zod's reasons, never the values (they can hold model output). */
export type WireCheck = { ok: true; message: FromWorker } | { ok: false; reason: string };

export function checkFromWorker(raw: unknown): WireCheck {
  const parsed = fromWorkerSchema.safeParse(raw);
  if (parsed.success) return { ok: true, message: parsed.data };
  const reason = parsed.error.issues
    .slice(0, 3)
    .map((issue) => `${issue.path.join('.') || '(message)'}: ${issue.code}`)
    .join('; ');
  return { ok: false, reason };
}
