import { createHash, createHmac } from 'node:crypto';

/**
 * How a client-chosen string that the gateway does not serve (an unknown model name, an unknown
 * path) is stored in usage, request log and audit: never raw, since the log is append-only and a
 * caller may have put personal data in it (an IBAN as a "model" name). With the audit key it is an
 * HMAC, so a guessable value (an IBAN, a name) cannot be confirmed by hashing candidates; without
 * one, a plain sha256. 12 hex digits: enough to tell names apart in a report.
 */
export function labelOf(value: string, key: Buffer | null): string {
  if (key === null) return `sha256:${createHash('sha256').update(value).digest('hex').slice(0, 12)}`;
  return `hmac:${createHmac('sha256', key).update('flambeau-name-label\0').update(value).digest('hex').slice(0, 12)}`;
}
