import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Caller, ChatTarget } from '../../gateway/chat.js';
import type { Usage } from '../../providers/spec.js';
import type { Findings, PrivacyAction } from '../../privacy/index.js';
import type { Reservation } from '../../auth/budget-ledger.js';
import type { KeyPrincipal } from '../../auth/principal.js';
import type { RateLimitGrant } from '../../auth/rate-limiter.js';

/** What one request did, filled in as it goes; written to the request log when it ends. */
export interface RequestContext {
  id: string;
  startedAt: number;
  t0: number;
  endpoint: string;
  /** False until the path matches a route: an unknown path is stored as a label, never raw. */
  endpointKnown: boolean;
  /** True for endpoints kept in the request log (chat, embeddings). */
  logged: boolean;
  model: string | null;
  target: ChatTarget | null;
  usage: Usage | null;
  status: number;
  errorCode: string | null;
  ttftMs: number | null;
  streamed: boolean;
  /** Types and counts of personal data found; never the values. */
  privacyFindings: Findings | null;
  privacyAction: PrivacyAction | null;
  /** The routing rule that chose the target (`explicit` for a named model). */
  route: string | null;
  /** Why a cascade escalated to its second model, when it did. */
  escalation: string | null;
  /** Who calls, once authenticated (router facts use `caller`). */
  principal: KeyPrincipal | null;
  caller: Caller;
  /** For a request that failed to authenticate: the key id its token claimed. */
  claimedKeyId: string | null;
  grant: RateLimitGrant | null;
  reservation: Reservation | null;
  costUsd: number;
  /** Usage and audit are written once, before the last byte of a success or when the response closes. */
  recorded: boolean;
}

const VALID_ID = /^[\x21-\x7e]{1,128}$/;

/** Keeps the caller's `x-request-id` when it is sane (printable, ≤128 chars), else makes one. */
// Unique, not secret: a random per-process prefix and a counter (no random bytes per request).
const ID_PREFIX = `req_${randomBytes(6).toString('base64url')}`;
let idCounter = 0;

export function requestIdFor(req: IncomingMessage): string {
  const given = req.headers['x-request-id'];
  if (typeof given === 'string' && VALID_ID.test(given)) return given;
  idCounter += 1;
  return `${ID_PREFIX}${idCounter.toString(36).padStart(6, '0')}`;
}

export function newContext(req: IncomingMessage, endpoint: string): RequestContext {
  return {
    id: requestIdFor(req),
    startedAt: Date.now(),
    t0: performance.now(),
    endpoint,
    endpointKnown: false,
    logged: false,
    model: null,
    target: null,
    usage: null,
    status: 0,
    errorCode: null,
    ttftMs: null,
    streamed: false,
    privacyFindings: null,
    privacyAction: null,
    route: null,
    escalation: null,
    principal: null,
    caller: { keyId: null, keyName: null, team: null },
    claimedKeyId: null,
    grant: null,
    reservation: null,
    costUsd: 0,
    recorded: false,
  };
}

export function targetHeaders(ctx: RequestContext): Record<string, string> {
  const headers: Record<string, string> = { 'x-request-id': ctx.id };
  if (ctx.route !== null) headers['x-flambeau-route'] = ctx.route;
  if (ctx.escalation !== null) headers['x-flambeau-cascade'] = `escalated:${ctx.escalation}`;
  if (ctx.target !== null) {
    headers['x-flambeau-provider'] = ctx.target.provider;
    headers['x-flambeau-model'] = ctx.target.model;
    headers['x-flambeau-locality'] = ctx.target.locality;
  }
  return headers;
}
