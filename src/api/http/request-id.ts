import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

const VALID_ID = /^[\x21-\x7e]{1,128}$/;

// Unique, not secret: a random per-process prefix and a counter (no random bytes per request).
const ID_PREFIX = `req_${randomBytes(6).toString('base64url')}`;
let idCounter = 0;

/** Keeps the caller's `x-request-id` when it is sane (printable, ≤128 chars), else makes one. */
export function requestIdFor(req: IncomingMessage): string {
  const given = req.headers['x-request-id'];
  if (typeof given === 'string' && VALID_ID.test(given)) return given;
  idCounter += 1;
  return `${ID_PREFIX}${idCounter.toString(36).padStart(6, '0')}`;
}
