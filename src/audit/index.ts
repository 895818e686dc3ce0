export type { AdminAction, AdminAuditEvent, AuditEvent, AuditRecord, InjectionFinding, RequestAuditEvent } from './audit-event.js';
export { GENESIS_HASH, chainHash } from './audit-chain.js';
export { openAuditFile } from './audit-file.js';
export { createAuditLog, type AuditLog, type AuditLogOptions } from './audit-log.js';
export type { AuditAnchor, VerifyResult } from './audit-verify.js';
export { canonicalJson } from './canonical-json.js';
export { createRequestRecorder, costOverHold, requestRecordOf, storedForm, type RequestOutcome, type RequestRecorder } from './request-outcome.js';
export { labelOf } from './name-label.js';
