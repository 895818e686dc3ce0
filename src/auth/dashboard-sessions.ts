import { createCipheriv, createDecipheriv, hash, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';
import type { SqlClient } from '../store/sql.js';
import { guardStore } from './store-guard.js';

/**
 * One signed-in browser (api/ui/ui-session.ts's `UiSession`, which this module cannot import: the
 * HTTP layer imports the domains, never the reverse; main.ts checks the two agree).
 */
export interface DashboardSession {
  /** The row's id: the SHA-256 of the cookie's token (base64url). */
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

export interface DashboardSessions {
  /** Opens a session; returns it with the cookie value to set (the token: the only copy of what opens it). */
  open(signedIn: Omit<DashboardSession, 'id' | 'csrf' | 'expiresAt'>, now: number): Promise<{ session: DashboardSession; cookie: string }>;
  /** The live session a cookie value names, or null (malformed, unknown, expired, closed, or its sealed part altered). */
  read(cookie: string | undefined, now: number): Promise<DashboardSession | null>;
  close(id: string): Promise<void>;
  /** Closes every session of a key (null: the master key's), when the key was revoked or refused. */
  closeKey(keyId: string | null): Promise<void>;
  /** True when `given` is the session's CSRF token (constant time). */
  csrfMatches(session: DashboardSession, given: string | undefined): boolean;
}

/** 32 random bytes, base64url. */
const TOKEN = /^[A-Za-z0-9_-]{43}$/;
const INFO = Buffer.from('flambeau dashboard session v1');

/**
 * Dashboard sessions kept in the store (table ui_sessions), so that every instance on a shared
 * PostgreSQL store knows a session any of them opened, a restart keeps them, and signing out on
 * one ends it on all. The cookie holds a random token and nothing else. The row is named by the
 * token's SHA-256 and holds the key and the CSRF token only sealed (AES-256-GCM) under a key
 * derived from the token (HKDF): what the store keeps, a dump or a backup included, opens no
 * session and reveals no key; only the browser that holds the cookie can. At most `maxSessions`
 * live at once: opening one more ends the oldest.
 */
export function createDashboardSessions(options: { sql: SqlClient; ttlMs: number; maxSessions?: number }): DashboardSessions {
  const { sql, ttlMs } = options;
  const maxSessions = options.maxSessions ?? 1000;
  return {
    open(signedIn, now) {
      return guardStore(sql, 'opening a dashboard session', async () => {
        const token = randomBytes(32);
        const session: DashboardSession = { ...signedIn, id: idOf(token), csrf: randomBytes(24).toString('base64url'), expiresAt: now + ttlMs };
        const sealed = seal(token, JSON.stringify({ credential: session.credential, csrf: session.csrf }));
        await sql.transaction(async (tx) => {
          await tx.run('DELETE FROM ui_sessions WHERE expires_at <= ?', [now]);
          const live = Number((await tx.get<{ n: number | string }>('SELECT COUNT(*) AS n FROM ui_sessions'))?.n ?? 0);
          if (live >= maxSessions)
            await tx.run('DELETE FROM ui_sessions WHERE id IN (SELECT id FROM ui_sessions ORDER BY created_at, id LIMIT ?)', [live - maxSessions + 1]);
          await tx.run('INSERT INTO ui_sessions (id, key_id, name, admin, sealed, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)', [
            session.id,
            session.keyId,
            session.name,
            session.admin ? 1 : 0,
            sealed,
            now,
            session.expiresAt,
          ]);
        });
        return { session, cookie: token.toString('base64url') };
      });
    },
    async read(cookie, now) {
      if (cookie === undefined || !TOKEN.test(cookie)) return null;
      const token = Buffer.from(cookie, 'base64url');
      // The last of 43 characters carries two padding bits: only the spelling `open` gave is the token.
      if (token.toString('base64url') !== cookie) return null;
      const id = idOf(token);
      const row = await guardStore(sql, 'reading a dashboard session', () =>
        sql.get<{ key_id: string | null; name: string; admin: number; sealed: string; expires_at: number | string }>(
          'SELECT key_id, name, admin, sealed, expires_at FROM ui_sessions WHERE id = ?',
          [id],
        ),
      );
      if (row === undefined || Number(row.expires_at) <= now) return null;
      const opened = unseal(token, row.sealed);
      if (opened === null) return null;
      return {
        id,
        credential: opened.credential,
        csrf: opened.csrf,
        keyId: row.key_id,
        name: row.name,
        admin: Number(row.admin) === 1,
        expiresAt: Number(row.expires_at),
      };
    },
    async close(id) {
      await guardStore(sql, 'closing a dashboard session', () => sql.run('DELETE FROM ui_sessions WHERE id = ?', [id]));
    },
    async closeKey(keyId) {
      await guardStore(sql, 'closing dashboard sessions', () =>
        keyId === null ? sql.run('DELETE FROM ui_sessions WHERE key_id IS NULL') : sql.run('DELETE FROM ui_sessions WHERE key_id = ?', [keyId]),
      );
    },
    csrfMatches(session, given) {
      if (given === undefined) return false;
      const a = Buffer.from(session.csrf);
      const b = Buffer.from(given);
      return a.length === b.length && timingSafeEqual(a, b);
    },
  };
}

function idOf(token: Buffer): string {
  return hash('sha256', token, 'base64url');
}

/** The sealing key: HKDF of the token (a separate derivation from the id, so the id does not open it). */
function keyOf(token: Buffer): Buffer {
  return Buffer.from(hkdfSync('sha256', token, Buffer.alloc(0), INFO, 32));
}

/** iv (12) · tag (16) · ciphertext, base64url. */
function seal(token: Buffer, plain: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', keyOf(token), iv);
  const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url');
}

function unseal(token: Buffer, sealed: string): { credential: string; csrf: string } | null {
  try {
    const bytes = Buffer.from(sealed, 'base64url');
    const decipher = createDecipheriv('aes-256-gcm', keyOf(token), bytes.subarray(0, 12));
    decipher.setAuthTag(bytes.subarray(12, 28));
    const plain = Buffer.concat([decipher.update(bytes.subarray(28)), decipher.final()]).toString('utf8');
    const parsed = JSON.parse(plain) as { credential?: unknown; csrf?: unknown };
    return typeof parsed.credential === 'string' && typeof parsed.csrf === 'string' ? { credential: parsed.credential, csrf: parsed.csrf } : null;
  } catch {
    // Altered or written under another token: no session.
    return null;
  }
}
