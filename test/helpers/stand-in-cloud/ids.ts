// Ids shaped like the real ones (`chatcmpl-…`, `call_…`, `msg_01…`, `toolu_01…`, `req_…`), so
// code that validates or logs them sees realistic values.
import { randomBytes } from 'node:crypto';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

export function randomId(prefix: string, length: number): string {
  const bytes = randomBytes(length);
  let out = prefix;
  for (const byte of bytes) out += ALPHABET[byte % ALPHABET.length];
  return out;
}

export function unixSeconds(): number {
  return Math.floor(Date.now() / 1000);
}
