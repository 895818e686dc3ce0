import { FlambeauError } from '../errors/index.js';
import type { Locality } from '../providers/spec.js';
import type { DetectorFailure, Findings, PrivacyAction } from './pii-types.js';
import type { PrivacyConfig } from './privacy-config.js';

/** The outcome of the privacy policy for one request and one target. Safe to log: no values. */
export type PolicyVerdict = { allowed: true; action: PrivacyAction } | { allowed: false; reasons: string[]; types: string[] };

export type DeniedVerdict = Extract<PolicyVerdict, { allowed: false }>;

/** The configured action for models of this locality. */
export function actionFor(config: Pick<PrivacyConfig, 'cloud' | 'lan' | 'device'>, locality: Locality): PrivacyAction {
  return config[locality];
}

/**
 * Decides from the findings alone (types and counts). `allow` lets everything through, even when a
 * detector failed (nothing is rewritten, so nothing depends on it). `block` refuses as soon as
 * something is found. `pseudonymize` and `redact` go ahead, unless a detector failed and
 * `on_detector_error` is `block`: a rewrite that may have missed values is no guarantee.
 */
export function decide(
  action: PrivacyAction,
  findings: Findings,
  failures: readonly DetectorFailure[],
  onDetectorError: PrivacyConfig['on_detector_error'],
): PolicyVerdict {
  if (action === 'allow') return { allowed: true, action };
  const types = Object.keys(findings)
    .filter((t) => (findings[t] ?? 0) > 0)
    .sort();
  const reasons: string[] = [];
  if (failures.length > 0 && onDetectorError === 'block') {
    reasons.push(`privacy detector failed: ${failures.map((f) => f.detector).join(', ')}`);
  }
  if (action === 'block' && types.length > 0) {
    reasons.push(`sensitive data may not be sent to this model: ${types.join(', ')}`);
  }
  return reasons.length === 0 ? { allowed: true, action } : { allowed: false, reasons, types };
}

/** The error the gateway answers with for a refusal: 403 `policy_denied`, types but never values. */
export function policyDeniedError(verdict: DeniedVerdict): FlambeauError {
  return new FlambeauError('policy_denied', `Request refused by the privacy policy: ${verdict.reasons.join('; ')}.`, {
    details: { types: verdict.types, reasons: verdict.reasons },
  });
}
