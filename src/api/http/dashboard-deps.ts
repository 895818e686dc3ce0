import type { AuditLog } from '../../audit/audit-log.js';
import type { DashboardQueries } from '../../usage/dashboard-queries.js';

/** A routing rule as the dashboard shows it: its targets in order, each with where it runs and its price. */
export interface DashboardRoute {
  name: string;
  targets: Array<{ model: string; provider: string | null; locality: string | null; price: { inputPerMTok: number; outputPerMTok: number } | null }>;
}

/** A served model with its versions, licence verdict and disk use (built by models/model-overview.ts; the admin routes may not import models/, hence this copy of its shape). */
export interface DashboardModel {
  name: string;
  provider: string;
  locality: string;
  loaded: boolean | null;
  detail: string | null;
  /** Bytes on disk of the file(s) behind it (every version), null: not a local file. */
  diskBytes: number | null;
  licence: { ids: string[]; allowed: boolean; reasons: string[]; use: string } | null;
  versions: {
    current: number;
    previous: number | null;
    canary: number | null;
    canaryPercent: number | null;
    list: Array<{ version: number; sha256: string; createdAt: number; sizeBytes: number | null }>;
  } | null;
}

/** The transaction an audited change runs in (the one `AuditLog.atomically` gives its work). */
export type AuditedTx = Parameters<Parameters<AuditLog['atomically']>[0]>[0];

export interface DashboardModels {
  list(): Promise<DashboardModel[]>;
  /**
   * `canaryPercent` set: a canary share instead of a switch. Throws `not_found` for an unknown name
   * or version. `tx`: in that transaction (the one that appends the action's audit record).
   */
  promote(name: string, version: number, canaryPercent: number | undefined, tx: AuditedTx): Promise<void>;
  rollback(name: string, tx: AuditedTx): Promise<void>;
  /** Once a promote or rollback has committed: this instance re-reads the pointers at its next request, the others when told. */
  announce(name: string): void;
}

export interface DashboardCollection {
  name: string;
  files: number;
  documents: number;
  chunks: number;
  bytes: number;
  lastIngestAt: number | null;
  shareable: boolean;
}

/**
 * What the dashboard's admin endpoints read besides the admin stores: made by main.ts from the
 * router, the catalog, the model registry, knowledge and shadow evaluation, so that the admin
 * routes import none of those domains. Every read resolves (another store may answer later).
 */
export interface DashboardDeps {
  queries: DashboardQueries;
  models: DashboardModels;
  collections(): Promise<DashboardCollection[]>;
  /** The knowledge embedding model's name; null: full-text search only. */
  embedder: string | null;
  routes(): DashboardRoute[];
  breakers(): Record<string, { state: string; failures: number }>;
  /** Shadow comparisons grouped per route and model pair since a time (shadow report). */
  shadowReport(since: number): Promise<unknown[]>;
}
