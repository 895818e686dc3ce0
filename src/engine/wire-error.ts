import { FlambeauError } from '../errors/index.js';
import type { WireError } from './engine-protocol.js';

/**
 * FlambeauErrors cross the IPC channel as plain data. Anything else thrown in the engine
 * process becomes `internal`; its message is scrubbed of quoted text (a JSON parse error can
 * quote model output) and kept in `details.reason` for diagnosis.
 */
export function toWireError(thrown: unknown): WireError {
  if (thrown instanceof FlambeauError) {
    return { code: thrown.code, message: thrown.message, details: { ...thrown.details }, param: thrown.param };
  }
  return { code: 'internal', message: 'The llama.cpp engine failed on this request.', details: { reason: scrubbed(thrown) } };
}

export function fromWireError(wire: WireError): FlambeauError {
  return new FlambeauError(wire.code, wire.message, { details: wire.details ?? {}, param: wire.param ?? null });
}

/** Error name and message with quoted passages and long runs removed: safe for logs and details. */
export function scrubbed(thrown: unknown): string {
  if (!(thrown instanceof Error)) return typeof thrown;
  const message = thrown.message.replace(/(["'`])(?:(?!\1).)*\1/g, '$1…$1').slice(0, 200);
  return `${thrown.name}: ${message}`;
}
