import { addressBucket } from './address-bucket.js';

/** The cookie that carries a dashboard session (a random token; never the key). */
export const SESSION_COOKIE = 'flambeau_session';
/** The header every state-changing dashboard call carries, equal to the session's CSRF token. */
export const CSRF_HEADER = 'x-flambeau-csrf';

/** One signed-in browser. */
export interface UiSession {
  id: string;
  /** `Bearer …`: what /ui/api/ calls are made with, so every guard of the key applies. */
  credential: string;
  /** The key's id (null for the master key): what "own usage" filters on. */
  keyId: string | null;
  name: string;
  admin: boolean;
  csrf: string;
  /** Unix ms. */
  expiresAt: number;
}

/**
 * Where sessions live: the store (auth/dashboard-sessions.ts, wired by main.ts), so that every
 * instance on a shared store knows them and a restart keeps them. The cookie carries a random token
 * only; the store never holds the key in clear.
 */
export interface SessionStore {
  /** Opens a session; returns it with the cookie value to set. */
  open(signedIn: Omit<UiSession, 'id' | 'csrf' | 'expiresAt'>, now: number): Promise<{ session: UiSession; cookie: string }>;
  /** The live session a cookie value names, or null (malformed, unknown, expired, closed). */
  read(cookie: string | undefined, now: number): Promise<UiSession | null>;
  close(id: string): Promise<void>;
  /** Closes every session of a key (null: the master key's): it was revoked or refused. */
  closeKey(keyId: string | null): Promise<void>;
  /** True when `given` is the session's CSRF token (constant time). */
  csrfMatches(session: UiSession, given: string | undefined): boolean;
}

/** The value of one cookie in a `Cookie` header, or undefined. */
export function cookieValue(header: string | undefined, name: string): string | undefined {
  if (header === undefined) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq !== -1 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/**
 * Counts sign-in attempts per client address in a fixed one-minute window: a guessed key costs
 * a minute per `perMinute` tries. The caller gives the address: the socket's, or behind a trusted
 * proxy the client it forwards for (trusted-proxies.ts), never a header it cannot trust. It is
 * counted under its addressBucket: an IPv6 client per /64, which one holder gets whole (counting
 * per address would give it 2^64 budgets), an IPv4-mapped one as its IPv4 address.
 *
 * At most `maxAddresses` windows are kept. The map is ordered by window start (a new window is
 * re-inserted at the end), so expired windows are dropped from its front, each once. When it is
 * full of live windows, an address without one is refused until one expires (at most a minute):
 * evicting a live window instead would let anyone holding many addresses push a limited address
 * out and reset its count, so the cap costs new addresses a wait, never unlocks a limited one.
 */
export function createSignInLimiter(
  perMinute: number,
  options: { maxAddresses?: number } = {},
): { allow(address: string, now: number): boolean; readonly size: number } {
  const maxAddresses = options.maxAddresses ?? 10_000;
  const windows = new Map<string, { start: number; count: number }>();
  return {
    allow(address, now) {
      const key = addressBucket(address);
      for (const [a, w] of windows) {
        if (now - w.start < 60_000) break;
        windows.delete(a);
      }
      const w = windows.get(key);
      if (w === undefined || now - w.start >= 60_000) {
        if (w === undefined && windows.size >= maxAddresses) return false;
        windows.delete(key);
        windows.set(key, { start: now, count: 1 });
        return true;
      }
      w.count += 1;
      return w.count <= perMinute;
    },
    get size() {
      return windows.size;
    },
  };
}
