export {
  createBudgetLedger,
  DEFAULT_RESERVATION_TTL_MS,
  type BudgetLedger,
  type BudgetLedgerOptions,
  type BudgetUse,
  type Reservation,
} from './budget-ledger.js';
export { periodBounds } from './budget-period.js';
export { createLocalHolds, type HoldState, type LocalHolds } from './local-holds.js';
export { createKeyStore, DEFAULT_KEY_CACHE_TTL_MS, type KeyRecord, type KeyStore, type KeyStoreOptions, type NewKey } from './key-store.js';
export { keyIdOf } from './key-token.js';
export { isLoopbackAddress, keylessLoopbackPrincipal, LOOPBACK_ACTOR_ID } from './keyless-loopback.js';
export { parseBudget, parseDuration, parseNameList, parseSince } from './key-options.js';
export { createMemoryRateLimiter } from './memory-rate-limiter.js';
export { costUsd, worstCaseCostUsd, type Price } from './price.js';
export {
  actorOf,
  ADMIN_ENDPOINT,
  ALL_SCOPES,
  ENDPOINTS,
  isAdmin,
  MASTER_PRINCIPAL,
  type Actor,
  type Budget,
  type BudgetPeriod,
  type Endpoint,
  type KeyPrincipal,
  type Limits,
  type Scopes,
  type TeamInfo,
} from './principal.js';
export { rateLimitHeadersOf, formatReset, type RateLimiter, type RateLimitGrant } from './rate-limiter.js';
export { createRedisRateLimiter, type RedisRateLimiterOptions } from './redis-rate-limiter.js';
export { allowsModel, checkScope, scopeAllows, type ScopeRequest } from './scope.js';
export { guardStore, storeError } from './store-guard.js';
export { createTeamStore, type TeamChange, type TeamRecord, type TeamStore } from './team-store.js';
