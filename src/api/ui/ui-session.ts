import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { addressBucket } from './address-bucket.js';

/** The cookie that carries a dashboard session (its id, expiry and MAC; never the key). */
export const SESSION_COOKIE = 'flambeau_session';
/** The header every state-changing dashboard call carries, equal to the session's CSRF token. */
export const CSRF_HEADER = 'x-flambeau-csrf';

/** One signed-in browser: the key it signed in with stays here, in the gateway's memory only. */
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

export interface SessionStore {
  /** Opens a session; returns it with the cookie value to set. */
  open(signedIn: Omit<UiSession, 'id' | 'csrf' | 'expiresAt'>, now: number): { session: UiSession; cookie: string };
  /** The live session a cookie value names, or null (unsigned, tampered, expired, closed). */
  read(cookie: string | undefined, now: number): UiSession | null;
  close(id: string): void;
  /** Closes every session opened with this credential (the key was revoked or refused). */
  closeCredential(credential: string): void;
  /** True when `given` is the session's CSRF token (constant time). */
  csrfMatches(session: UiSession, given: string | undefined): boolean;
  readonly size: number;
}

const ID = /^[A-Za-z0-9_-]{22}$/;

/**
 * Sessions in memory, named by a random id in an HMAC-signed cookie (`id.expiry.mac`): a cookie
 * cannot be forged or extended, and the key itself never reaches the browser. A restart ends every
 * session (the signing secret is per process). At most `maxSessions` live at once: the oldest goes.
 */
export function createSessionStore(options: { ttlMs: number; maxSessions?: number; secret?: Buffer }): SessionStore {
  const secret = options.secret ?? randomBytes(32);
  const maxSessions = options.maxSessions ?? 1000;
  const sessions = new Map<string, UiSession>();
  const mac = (text: string) => createHmac('sha256', secret).update(text).digest('base64url');

  function sweep(now: number): void {
    for (const [id, s] of sessions) if (s.expiresAt <= now) sessions.delete(id);
    while (sessions.size >= maxSessions) sessions.delete(sessions.keys().next().value as string);
  }

  return {
    open(signedIn, now) {
      sweep(now);
      const session: UiSession = {
        ...signedIn,
        id: randomBytes(16).toString('base64url'),
        csrf: randomBytes(24).toString('base64url'),
        expiresAt: now + options.ttlMs,
      };
      sessions.set(session.id, session);
      const body = `${session.id}.${session.expiresAt}`;
      return { session, cookie: `${body}.${mac(body)}` };
    },
    read(cookie, now) {
      if (cookie === undefined) return null;
      const [id, expiry, given, ...rest] = cookie.split('.');
      if (id === undefined || expiry === undefined || given === undefined || rest.length > 0 || !ID.test(id) || !/^\d{1,15}$/.test(expiry)) return null;
      const expected = Buffer.from(mac(`${id}.${expiry}`));
      const actual = Buffer.from(given);
      if (expected.length !== actual.length || !timingSafeEqual(expected, actual)) return null;
      const session = sessions.get(id);
      if (session === undefined || session.expiresAt !== Number(expiry)) return null;
      if (session.expiresAt <= now) {
        sessions.delete(id);
        return null;
      }
      return session;
    },
    close(id) {
      sessions.delete(id);
    },
    closeCredential(credential) {
      for (const [id, s] of sessions) if (s.credential === credential) sessions.delete(id);
    },
    csrfMatches(session, given) {
      if (given === undefined) return false;
      const a = Buffer.from(session.csrf);
      const b = Buffer.from(given);
      return a.length === b.length && timingSafeEqual(a, b);
    },
    get size() {
      return sessions.size;
    },
  };
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
