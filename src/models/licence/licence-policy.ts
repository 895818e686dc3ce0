import type { Deployment } from '../../config/sections/deployment-section.js';
import { LICENCES, type LicenceTerms } from './licence-terms.js';

/** The `deployment:` section: how the operator uses the models (declared in config/). */
export type { Deployment } from '../../config/sections/deployment-section.js';

export interface LicenceVerdict {
  allowed: boolean;
  /** Why it is refused, or what to check (unknown licence). */
  reasons: string[];
  /** Duties that come with an allowed use (attribution). */
  obligations: string[];
  licence: LicenceTerms | null;
}

/**
 * Checks one licence against the deployment. An unknown licence is allowed with a reason to check
 * it: refusing every model without metadata would block imports of private fine-tunes.
 */
export function evaluateLicence(licenceId: string | null, deployment: Deployment): LicenceVerdict {
  const licence = licenceId === null ? null : (LICENCES[licenceId] ?? null);
  if (licence === null) {
    return {
      allowed: true,
      reasons: [`licence ${licenceId === null ? 'unknown' : `"${licenceId}" not in flambeau's list`}: check its terms yourself`],
      obligations: [],
      licence,
    };
  }
  const reasons: string[] = [];
  if (!licence.commercial && deployment.use !== 'personal') {
    reasons.push(`the ${licence.title} allows non-commercial research use only, and the deployment is ${deployment.use}`);
  }
  if (licence.maxMonthlyUsers !== null && deployment.monthlyUsers !== null && deployment.monthlyUsers > licence.maxMonthlyUsers) {
    reasons.push(
      `the ${licence.title} needs a separate licence above ${licence.maxMonthlyUsers.toLocaleString('en')} monthly active users, and the deployment declares ${deployment.monthlyUsers.toLocaleString('en')}`,
    );
  }
  return { allowed: reasons.length === 0, reasons, obligations: licence.attribution === null ? [] : [licence.attribution], licence };
}
