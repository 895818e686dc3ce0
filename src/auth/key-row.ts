/**
 * A row of `api_keys` as SQLite returns it. Its own module because both the store (which lists
 * and creates keys) and the authenticator (which the store builds) read it: kept in either, the two
 * would import each other.
 */
export interface KeyRow {
  id: string;
  name: string;
  team: string | null;
  secret_hash: string;
  models: string;
  endpoints: string;
  collections: string;
  budget_nusd: number | null;
  budget_period: string | null;
  rpm: number | null;
  tpm: number | null;
  expires_at: number | null;
  revoked_at: number | null;
  created_at: number;
  last_used_at: number | null;
}
