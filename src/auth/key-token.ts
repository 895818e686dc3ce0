import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * API keys look like `flm_<id>_<secret>`: `id` is 12 hex characters (the public handle used in
 * lists, usage and audit, and to find the row without scanning), `secret` 32 random bytes in
 * base64url. The master key (`flm-…`, with a dash) never matches this shape.
 *
 * Only sha256(token) is stored. A slow password hash (bcrypt, argon2) protects low-entropy
 * secrets against guessing; a 256-bit random secret cannot be guessed, so one fast hash gives the
 * same protection to a stolen database and keeps verification at about a microsecond.
 */
const TOKEN = /^flm_([0-9a-f]{12})_([A-Za-z0-9_-]{43})$/;

export interface NewKeyToken {
  id: string;
  token: string;
  hash: string;
}

export function newKeyToken(): NewKeyToken {
  const id = randomBytes(6).toString('hex');
  const token = `flm_${id}_${randomBytes(32).toString('base64url')}`;
  return { id, token, hash: hashToken(token) };
}

/** The key id inside a well-formed token, or null. */
export function keyIdOf(token: string): string | null {
  return TOKEN.exec(token)?.[1] ?? null;
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** Constant-time comparison of two hex digests of equal length. */
export function sameHash(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === y.length && x.length > 0 && timingSafeEqual(x, y);
}
