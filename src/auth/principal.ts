/** Endpoints a key's scope can name; `*` allows all of them. */
export const ENDPOINTS = ['chat', 'embeddings', 'models', 'knowledge', 'privacy', 'injection', 'metrics'] as const;
export type Endpoint = (typeof ENDPOINTS)[number];

/**
 * The admin API (`/admin/`, and the dashboard's admin pages) as a key's scope: it must be named
 * in the key's `endpoints` exactly. `*` and prefix patterns never grant it, so no existing key
 * became an admin when it was added, and a key made "for everything" is not one.
 */
export const ADMIN_ENDPOINT = 'admin';

/** The master key, or a key whose endpoints name `admin` (see ADMIN_ENDPOINT). */
export function isAdmin(principal: KeyPrincipal): boolean {
  return principal.kind === 'master' || (principal.kind === 'key' && principal.scopes.endpoints.includes(ADMIN_ENDPOINT));
}

export type BudgetPeriod = 'day' | 'week' | 'month' | 'total';
export const BUDGET_PERIODS: readonly BudgetPeriod[] = ['day', 'week', 'month', 'total'];

/** A spending limit in USD for a calendar period (UTC). */
export interface Budget {
  usd: number;
  period: BudgetPeriod;
}

/** Requests and tokens per minute; null means no limit on that dimension. */
export interface Limits {
  rpm: number | null;
  tpm: number | null;
}

/**
 * What a key may touch. Each list holds exact names, prefix patterns ending in `*` (`gpt-*`), or
 * `*` alone for everything. Models include route names such as `auto`.
 */
export interface Scopes {
  models: string[];
  endpoints: string[];
  collections: string[];
}

export const ALL_SCOPES: Scopes = Object.freeze({ models: ['*'], endpoints: ['*'], collections: ['*'] }) as Scopes;

/** The team a key belongs to, with its own budget and limits as they were when the key was verified. */
export interface TeamInfo {
  id: string;
  budget: Budget | null;
  limits: Limits;
}

/**
 * Who is calling, as established by authentication. The master key is a principal with full
 * scope and no budget or limits (`kind: 'master'`, `keyId: null`); `loopback` is a key-less call
 * from this machine to the Ollama API, scoped by `ollama.keyless_loopback` (keyless-loopback.ts).
 */
export interface KeyPrincipal {
  kind: 'master' | 'key' | 'loopback';
  keyId: string | null;
  name: string;
  team: TeamInfo | null;
  scopes: Scopes;
  budget: Budget | null;
  limits: Limits;
  /** Unix ms, or null for a key that never expires. */
  expiresAt: number | null;
}

export const MASTER_PRINCIPAL: KeyPrincipal = Object.freeze({
  kind: 'master',
  keyId: null,
  name: 'master',
  team: null,
  scopes: ALL_SCOPES,
  budget: null,
  limits: Object.freeze({ rpm: null, tpm: null }),
  expiresAt: null,
}) as KeyPrincipal;

/**
 * The `who` of usage rows and audit records. `anonymous`: the request did not authenticate;
 * `keyId` is then the id it claimed (from a well-formed token), if any.
 */
export interface Actor {
  kind: KeyPrincipal['kind'] | 'anonymous';
  keyId: string | null;
  team: string | null;
}

export function actorOf(principal: KeyPrincipal | null, claimedKeyId: string | null = null): Actor {
  if (principal === null) return { kind: 'anonymous', keyId: claimedKeyId, team: null };
  return { kind: principal.kind, keyId: principal.keyId, team: principal.team?.id ?? null };
}
