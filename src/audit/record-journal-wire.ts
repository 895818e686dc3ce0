import { z } from 'zod';
import type { Pending, RequestOutcome } from './request-outcome-shape.js';

/**
 * A journaled outcome as one JSON line (record-journal.ts frames it). The principal is not kept:
 * the rows need only the actor derived from it, and a key's scopes, limits and budget have no
 * business on disk twice.
 */
export function journalLine(pending: Pending): string {
  return JSON.stringify({
    v: 1,
    at: pending.at,
    actor: pending.actor,
    reservation: pending.settle?.reservation ?? null,
    outcome: { ...pending.outcome, principal: null },
  });
}

const nullableString = z.string().nullable();
const outcomeSchema = z
  .object({
    requestId: z.string(),
    startedAt: z.number(),
    principal: z.null(),
    claimedKeyId: nullableString.optional(),
    endpoint: z.string(),
    model: nullableString,
    route: nullableString,
    provider: nullableString,
    upstreamModel: nullableString,
    locality: nullableString,
    privacy: z.object({ action: nullableString, findings: z.record(z.string(), z.number()) }).nullable(),
    injection: z.array(z.object({ source: z.enum(['user', 'document', 'tool']) }).passthrough()).optional(),
    status: z.number(),
    errorCode: nullableString,
    usage: z.object({ inputTokens: z.number().nullable(), outputTokens: z.number().nullable(), estimated: z.boolean() }).passthrough().nullable(),
    costUsd: z.number(),
    heldUsd: z.number().nullable().optional(),
    latencyMs: z.number(),
    log: z.object({ ttftMs: z.number().nullable(), streamed: z.boolean() }).optional(),
    content: z.object({ request: z.unknown().optional(), answer: z.unknown().optional() }).optional(),
  })
  .passthrough();

const lineSchema = z.object({
  v: z.literal(1),
  at: z.number(),
  actor: z.object({ kind: z.enum(['master', 'key', 'loopback', 'anonymous']), keyId: nullableString, team: nullableString }),
  reservation: z.object({ id: nullableString, keyId: nullableString, team: nullableString, amountUsd: z.number() }).nullable(),
  outcome: outcomeSchema,
});

/** A journal line read back; null when it is not one this version wrote (counted and skipped by the replay). */
export function parseJournalLine(json: string): Pending | null {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    return null;
  }
  const parsed = lineSchema.safeParse(value);
  if (!parsed.success) return null;
  const { at, actor, reservation, outcome } = parsed.data;
  // The schema checked every field the rows read; the rest passes through as written.
  return { at, actor, settle: reservation === null ? undefined : { reservation }, outcome: outcome as unknown as RequestOutcome };
}
