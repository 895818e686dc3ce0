import { z } from 'zod';
import { FlambeauError } from '../../errors/index.js';

/**
 * The error for an upstream payload that is not JSON or not the shape its wire schema expects:
 * `upstream_failed` (502) naming the provider, never a TypeError three calls later. The reason
 * names the field and the expected type but never echoes the value: upstream payloads carry
 * answer text, which must not reach logs or error bodies.
 */
export function unreadableUpstream(provider: string, what: string, error: unknown): FlambeauError {
  const reason = describeWireProblem(error);
  return new FlambeauError('upstream_failed', `${provider} sent ${what} that could not be read (${reason}).`, {
    details: { provider, reason },
  });
}

function describeWireProblem(error: unknown): string {
  if (error instanceof SyntaxError) return 'not JSON';
  if (error instanceof z.ZodError) {
    const issue = error.issues[0];
    if (issue === undefined) return 'wrong shape';
    const path = issue.path.length === 0 ? 'body' : issue.path.map(String).join('.');
    return `${path}: ${issue.message}`.slice(0, 200);
  }
  if (error instanceof WireShapeError) return error.message;
  return 'wrong shape';
}

/** A payload that passed its schema but breaks a rule the schema cannot say (e.g. one vector per input). */
export class WireShapeError extends Error {
  override readonly name = 'WireShapeError';
}
