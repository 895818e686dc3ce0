import type { Actor } from '../auth/principal.js';

/**
 * What the audit log records. Facts only: never a key, never prompt or answer text unless the
 * operator opted in (`audit.include_content: true`), and privacy findings as types and counts.
 */
export type AuditEvent = RequestAuditEvent | AdminAuditEvent | AccountingAuditEvent;

export interface RequestAuditEvent {
  type: 'request';
  requestId: string;
  actor: Actor;
  /** `chat`, `embeddings`, ... */
  endpoint: string;
  /** The model name the client asked for (`auto` included). */
  model: string | null;
  /** The routing rule that chose the target, when a router did. */
  route: string | null;
  provider: string | null;
  upstreamModel: string | null;
  locality: string | null;
  privacy: { action: string | null; findings: Record<string, number> } | null;
  /** Texts flagged as prompt injections, when any was (absent otherwise). */
  injection?: InjectionFinding[];
  outcome: { status: number; code: string | null };
  costUsd: number;
  tokens: { input: number | null; output: number | null; estimated: boolean } | null;
  latencyMs: number;
  /** Kept only when the audit log was created with `includeContent`. */
  content?: { request?: unknown; answer?: unknown };
}

/** One text the injection stage reported: where it came from, its score, its signals' kinds. Never the text. */
export interface InjectionFinding {
  source: 'user' | 'document' | 'tool';
  score: number;
  signals: string[];
}

export type AdminAction =
  | 'key.created'
  | 'key.revoked'
  | 'team.created'
  | 'team.updated'
  | 'audit.exported'
  | 'eval.stored'
  | 'model.promoted'
  | 'model.rolled_back'
  /** A version of a served name was added (`flambeau pull`, `models import`): with its sha256 and source. */
  | 'model.added'
  /** A served name and its versions were forgotten (`flambeau models rm`). */
  | 'model.removed';

export interface AdminAuditEvent {
  type: 'admin';
  actor: Actor;
  action: AdminAction;
  target: { keyId?: string; team?: string };
  /** Name, team, scopes, budget, limits, expiry: what changed, never the key or its hash. */
  details: Record<string, unknown>;
  requestId?: string;
}

/**
 * An accounting anomaly: a request cost more than the budget held for it (the hold is meant to
 * be an upper bound, docs/decisions/0004). Written with the request's own record.
 */
export interface AccountingAuditEvent {
  type: 'accounting';
  anomaly: 'cost_over_hold';
  requestId: string;
  actor: Actor;
  heldUsd: number;
  costUsd: number;
}

/** One stored link of the chain. */
export interface AuditRecord {
  seq: number;
  /** ISO 8601 UTC. */
  at: string;
  event: AuditEvent;
  prevHash: string;
  hash: string;
}
