import { BUILTIN_PII_TYPES, type BuiltinPiiType, type Detector } from '../pii-types.js';
import { createNameAddressTagger } from '../tagger/name-address-tagger.js';
import type { RecallLevel } from './recall-level.js';
import { addressDetector } from './address-detector.js';
import { creditCardDetector } from './credit-card-detector.js';
import { emailDetector } from './email-detector.js';
import { frNirDetector } from './fr-nir-detector.js';
import { ibanDetector } from './iban-detector.js';
import { ipAddressDetector } from './ip-address-detector.js';
import { personDetector } from './person-detector.js';
import { createPhoneDetector, phoneDetector } from './phone-detector.js';
import { secretDetector } from './secret-detector.js';
import { usSsnDetector } from './us-ssn-detector.js';

/** One line per built-in type: adding a detector is a module plus a line here. */
export const BUILTIN_DETECTORS: Readonly<Record<BuiltinPiiType, Detector>> = {
  EMAIL: emailDetector,
  PHONE: phoneDetector,
  IBAN: ibanDetector,
  CREDIT_CARD: creditCardDetector,
  FR_NIR: frNirDetector,
  US_SSN: usSsnDetector,
  IP_ADDRESS: ipAddressDetector,
  SECRET: secretDetector,
  ADDRESS: addressDetector,
  PERSON: personDetector,
};

/** Detectors whose evidence threshold depends on the recall level; the others are the same at every level. */
const BY_LEVEL: Record<RecallLevel, Partial<Record<BuiltinPiiType, Detector>>> = {
  high: {},
  balanced: { PHONE: createPhoneDetector('balanced') },
};

/**
 * The built-in detectors for the enabled types (others are ignored), at a recall level, plus the
 * learned tagger of names and addresses beside the rules when either type is enabled.
 */
export function builtinDetectorsFor(types: readonly string[], level: RecallLevel): Detector[] {
  const enabled = new Set(types);
  const detectors = BUILTIN_PII_TYPES.filter((type) => enabled.has(type)).map((type) => BY_LEVEL[level][type] ?? BUILTIN_DETECTORS[type]);
  const tagged = (['PERSON', 'ADDRESS'] as const).filter((type) => enabled.has(type));
  if (tagged.length > 0) detectors.push(createNameAddressTagger({ types: tagged, level }));
  return detectors;
}

/**
 * When spans of two types overlap, the higher rank wins (then the longer span). Secrets and
 * checksummed identifiers are the most certain; names the least.
 */
export const TYPE_RANK: Readonly<Record<BuiltinPiiType, number>> = {
  SECRET: 100,
  EMAIL: 90,
  IBAN: 85,
  CREDIT_CARD: 80,
  FR_NIR: 75,
  US_SSN: 70,
  IP_ADDRESS: 60,
  PHONE: 55,
  ADDRESS: 40,
  PERSON: 30,
};

/** Custom detectors come from the user's config: an explicit choice, ranked just below secrets. */
export const CUSTOM_RANK = 95;
