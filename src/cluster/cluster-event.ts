import { z } from 'zod';

/**
 * What one instance tells the others. Each event names what changed in the shared store, so that
 * every instance drops what it cached of it; the store stays the truth (an event carries no state).
 * - `key-changed`: an API key was revoked (or, `keyId: null`, every key's cached principal is stale,
 *   as after a team's limits change).
 * - `model-changed`: a served name was promoted, rolled back or given a canary.
 */
export const clusterEventSchema = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('key-changed'),
    keyId: z
      .string()
      .regex(/^[0-9a-f]{12}$/)
      .nullable(),
  }),
  z.strictObject({ type: z.literal('model-changed'), name: z.string().min(1).max(200) }),
]);
export type ClusterEvent = z.infer<typeof clusterEventSchema>;

/**
 * What a subscriber receives: an event, or `resync` when events may have been missed (the bus
 * reconnected after an outage), after which every cached key and pointer must be dropped.
 */
export type ClusterSignal = ClusterEvent | { type: 'resync' };

// On the wire: the event plus the sending instance, so that logs can tell who said what.
const wireSchema = z.strictObject({ from: z.string().min(1).max(64), event: clusterEventSchema });

export function encodeClusterMessage(from: string, event: ClusterEvent): string {
  return JSON.stringify({ from, event: clusterEventSchema.parse(event) });
}

/** The event in a message read from the bus, or null for anything else (logged by the caller, never thrown). */
export function decodeClusterMessage(text: string): { from: string; event: ClusterEvent } | null {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return null;
  }
  const parsed = wireSchema.safeParse(json);
  return parsed.success ? parsed.data : null;
}
