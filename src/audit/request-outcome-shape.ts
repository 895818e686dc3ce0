import type { Reservation } from '../auth/budget-ledger.js';
import type { Actor, KeyPrincipal } from '../auth/principal.js';
import type { Usage } from '../providers/spec.js';
import type { InjectionFinding } from './audit-event.js';

/**
 * The one record of a request: the gateway fills it as the request goes (gateway/request.ts), and
 * the audit record, the usage row and the request log row are all derived from it here. No text
 * unless `content` is opted in.
 */
export interface RequestOutcome {
  requestId: string;
  /** Unix ms the request started. */
  startedAt: number;
  /** Null when the request did not authenticate: then only the audit record is written (nothing was used). */
  principal: KeyPrincipal | null;
  /** For an unauthenticated request: the key id its token claimed (`keyIdOf(token)`), if well-formed. */
  claimedKeyId?: string | null;
  endpoint: string;
  /** False for a path the gateway does not route: stored as a label (`labelOf`), never raw. */
  endpointKnown?: boolean;
  /** The model name the client asked for. */
  model: string | null;
  /** True when `model` is a name the gateway serves (catalog or route); any other is stored as a label, never raw. */
  modelKnown?: boolean;
  /** The routing rule that picked the target, if any. */
  route: string | null;
  provider: string | null;
  upstreamModel: string | null;
  locality: string | null;
  privacy: { action: string | null; findings: Record<string, number> } | null;
  /** Prompt injections reported by the spine's injection stage (source, score, signal kinds; never text). */
  injection?: InjectionFinding[];
  status: number;
  errorCode: string | null;
  /** Completed usage (estimated counts when the upstream gave none); null when no model ran. */
  usage: Usage | null;
  costUsd: number;
  /** What the budget held for the request before the call (null: nothing was reserved). A cost above it is audited as an anomaly. */
  heldUsd?: number | null;
  latencyMs: number;
  /** Why a cascade escalated to its second model, when it did (a response header; not stored). */
  escalation?: string | null;
  /** For endpoints kept in the request log: the facts only it holds. Its row is written in the same transaction. */
  log?: { ttftMs: number | null; streamed: boolean };
  /** Request and answer text: dropped by the audit log unless `audit.include_content` is on. */
  content?: { request?: unknown; answer?: unknown };
}

/** An outcome waiting for its group's commit, or in the journal waiting to be applied. */
export interface Pending {
  outcome: RequestOutcome;
  settle: { reservation: Reservation } | undefined;
  /** Who made the request (derived from the principal, which the journal does not keep). */
  actor: Actor;
  /** Unix ms of the audit record: when it was journaled (undefined: the audit log's clock, at the commit). */
  at: number | undefined;
}
