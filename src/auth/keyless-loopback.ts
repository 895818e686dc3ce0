import { isIPv4 } from 'node:net';
import type { KeyPrincipal } from './principal.js';

/**
 * The id under which key-less loopback calls are recorded (usage rows, stored data). Key ids are
 * 12 hex characters, so it can never be a real key's.
 */
export const LOOPBACK_ACTOR_ID = 'loopback';

/**
 * Whether a socket's peer address is this machine: 127.0.0.0/8, ::1, or an IPv4 loopback address
 * mapped into IPv6 (`::ffff:127.0.0.1`, as a dual-stack listener reports it). Only the socket's
 * own address counts: a forwarded-for header is the caller's word and is never read here.
 * Not models/download/address-policy.ts's classifyAddress: that one refuses, so it counts every
 * spelling that might reach loopback (IPv4-compatible, NAT64) as loopback; this one grants access,
 * so it takes only the addresses a socket on this machine reports.
 */
export function isLoopbackAddress(address: string | undefined): boolean {
  if (address === undefined || address === '') return false;
  if (address === '::1') return true;
  const v4 = address.toLowerCase().startsWith('::ffff:') ? address.slice(7) : address;
  return isIPv4(v4) && v4.startsWith('127.');
}

/**
 * The principal of a key-less loopback call: the models and endpoints the operator listed, no
 * collection (a `rag:` name is refused), no budget and no limits (a local tool on the operator's
 * own machine; the listed models are what bounds it).
 */
export function keylessLoopbackPrincipal(access: { models: readonly string[]; endpoints: readonly string[] }): KeyPrincipal {
  // Frozen through and through: the principal is shared by every key-less call.
  const scopes = { models: Object.freeze([...access.models]), endpoints: Object.freeze([...access.endpoints]), collections: Object.freeze([]) };
  return Object.freeze({
    kind: 'loopback',
    keyId: LOOPBACK_ACTOR_ID,
    name: 'key-less loopback',
    team: null,
    scopes: Object.freeze(scopes) as unknown as KeyPrincipal['scopes'],
    budget: null,
    limits: Object.freeze({ rpm: null, tpm: null }),
    expiresAt: null,
  });
}
