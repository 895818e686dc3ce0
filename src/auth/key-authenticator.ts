import { createHash, timingSafeEqual } from 'node:crypto';
import { FlambeauError } from '../errors/index.js';
import type { SqlClient } from '../store/sql.js';
import { hashToken, keyIdOf, sameHash } from './key-token.js';
import { MASTER_PRINCIPAL, type KeyPrincipal } from './principal.js';
import { budgetFromRow } from './budget-columns.js';
import { guardStore } from './store-guard.js';
import type { KeyRow } from './key-row.js';

export interface KeyAuthenticator {
  authenticate(authorization: string | undefined): Promise<KeyPrincipal>;
  invalidate(id?: string): void;
}

interface AuthRow extends KeyRow {
  team_budget_nusd: number | null;
  team_budget_period: string | null;
  team_rpm: number | null;
  team_tpm: number | null;
}

interface CacheEntry {
  principal: KeyPrincipal;
  secretHash: string;
  revokedAt: number | null;
  until: number;
  lastUsedWritten: number;
}

const BEARER = /^Bearer\s+(\S+)\s*$/i;

/**
 * Verifies bearer tokens with a short in-memory cache, so that the hot path costs one sha256 and
 * a Map lookup. Unknown ids are not cached (a flood of random keys cannot grow memory); each costs
 * one indexed read.
 */
export function createKeyAuthenticator(options: {
  sql: SqlClient;
  masterKey: { reveal(): string } | null;
  clock: () => number;
  cacheTtlMs: number;
  lastUsedResolutionMs: number;
}): KeyAuthenticator {
  const { sql, clock } = options;
  const masterDigest = options.masterKey === null ? null : createHash('sha256').update(options.masterKey.reveal()).digest();
  const SELECT = `SELECT k.*, t.budget_nusd AS team_budget_nusd, t.budget_period AS team_budget_period, t.rpm AS team_rpm, t.tpm AS team_tpm
    FROM api_keys k LEFT JOIN teams t ON t.id = k.team WHERE k.id = ?`;
  const cache = new Map<string, CacheEntry>();
  // Bumped by `invalidate`: a read that was in flight when a key changed (its row may predate a
  // revocation's commit) is used for its own request but not cached, or the change would wait 10 s.
  let generation = 0;
  // The header of a request whose secret was verified against `entry`, so the next request with
  // the same header skips the regexes and both hashes. Only verified headers get in, and a memo
  // counts only while its entry is still the cached one (an `invalidate` or a reload drops it).
  // A lookup compares the header only with one of equal string hash (V8's, seeded per process),
  // which a caller cannot aim at without knowing the secret.
  const verified = new Map<string, { entry: CacheEntry; id: string }>();
  // The same for the master key, which lives as long as the process: headers that carried it.
  const masterHeaders = new Set<string>();

  async function load(id: string, now: number): Promise<CacheEntry | null> {
    const cached = cache.get(id);
    if (cached !== undefined && cached.until > now) return cached;
    const startedAt = generation;
    const row = await guardStore(sql, 'checking an API key', () => sql.get<AuthRow>(SELECT, [id]));
    if (row === undefined) {
      cache.delete(id);
      return null;
    }
    const entry: CacheEntry = {
      principal: principalOf(row),
      secretHash: row.secret_hash,
      revokedAt: row.revoked_at,
      until: now + options.cacheTtlMs,
      lastUsedWritten: cached?.lastUsedWritten ?? row.last_used_at ?? 0,
    };
    if (generation === startedAt) cache.set(id, entry);
    return entry;
  }

  return {
    async authenticate(authorization) {
      if (masterHeaders.has(authorization ?? '')) return MASTER_PRINCIPAL;
      const memo = verified.get(authorization ?? '');
      if (memo !== undefined) {
        const now = clock();
        if (memo.entry.until > now && cache.get(memo.id) === memo.entry) return finish(memo.entry, memo.id, now);
        verified.delete(authorization as string);
      }
      if (authorization === undefined || authorization === '') throw unauthenticated('missing', 'Missing API key: send it as "Authorization: Bearer KEY".');
      const token = BEARER.exec(authorization)?.[1];
      if (token === undefined) throw unauthenticated('malformed', 'Incorrect API key provided: expected "Authorization: Bearer KEY".');
      if (masterDigest !== null && timingSafeEqual(createHash('sha256').update(token).digest(), masterDigest)) {
        if (masterHeaders.size >= MAX_MASTER_HEADERS) masterHeaders.clear();
        masterHeaders.add(authorization);
        return MASTER_PRINCIPAL;
      }
      const id = keyIdOf(token);
      if (id === null) throw unauthenticated('invalid', 'Incorrect API key provided.');
      const now = clock();
      const entry = await load(id, now);
      if (entry === null || !sameHash(hashToken(token), entry.secretHash)) throw unauthenticated('invalid', 'Incorrect API key provided.');
      if (cache.get(id) === entry) {
        if (verified.size >= MAX_VERIFIED) verified.clear();
        verified.set(authorization, { entry, id });
      }
      return finish(entry, id, now);
    },
    invalidate(id) {
      generation++;
      if (id === undefined) cache.clear();
      else cache.delete(id);
    },
  };

  async function finish(entry: CacheEntry, id: string, now: number): Promise<KeyPrincipal> {
    // Only the holder of the right secret learns that the key was revoked or expired.
    if (entry.revokedAt !== null) throw unauthenticated('revoked', `API key ${id} was revoked on ${new Date(entry.revokedAt).toISOString()}.`, id);
    const expiresAt = entry.principal.expiresAt;
    if (expiresAt !== null && expiresAt <= now) throw unauthenticated('expired', `API key ${id} expired on ${new Date(expiresAt).toISOString()}.`, id);
    if (now - entry.lastUsedWritten >= options.lastUsedResolutionMs) {
      // Marked first: concurrent requests of the key write it once.
      entry.lastUsedWritten = now;
      await guardStore(sql, 'recording key use', () => sql.run('UPDATE api_keys SET last_used_at = ? WHERE id = ?', [now, id]));
    }
    return entry.principal;
  }
}

/** Spellings of the master key's header remembered at most (`Bearer`, `bearer`, spaces...). */
const MAX_MASTER_HEADERS = 8;

/** Verified headers remembered at most (one per key in use within the cache lifetime, normally). */
const MAX_VERIFIED = 10_000;

function unauthenticated(reason: 'missing' | 'malformed' | 'invalid' | 'revoked' | 'expired', message: string, keyId?: string): FlambeauError {
  return new FlambeauError('unauthenticated', message, { details: keyId === undefined ? { reason } : { reason, keyId } });
}

function principalOf(row: AuthRow): KeyPrincipal {
  return Object.freeze({
    kind: 'key',
    keyId: row.id,
    name: row.name,
    team:
      row.team === null
        ? null
        : { id: row.team, budget: budgetFromRow(row.team_budget_nusd, row.team_budget_period), limits: { rpm: row.team_rpm, tpm: row.team_tpm } },
    scopes: {
      models: JSON.parse(row.models) as string[],
      endpoints: JSON.parse(row.endpoints) as string[],
      collections: JSON.parse(row.collections) as string[],
    },
    budget: budgetFromRow(row.budget_nusd, row.budget_period),
    limits: { rpm: row.rpm, tpm: row.tpm },
    expiresAt: row.expires_at,
  }) as KeyPrincipal;
}
