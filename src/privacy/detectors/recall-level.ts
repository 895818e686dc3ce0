import type { PrivacyConfig } from '../privacy-config.js';

/**
 * How much evidence a name, an address or a phone number needs before it is flagged. `high`
 * flags on weaker evidence (a phone-shaped number without a cue, a name the tagger is less sure
 * of): more placeholders, fewer leaks. `balanced` asks for firmer evidence: fewer needless
 * placeholders and refusals, more values missed.
 */
export type RecallLevel = 'high' | 'balanced';

/**
 * The configured level, or the default: `high` where the cloud action rewrites the text
 * (pseudonymize, redact), since a leak cannot be undone and a needless placeholder costs little;
 * `balanced` where it blocks (a needless refusal costs the whole request) or allows.
 */
export function recallLevel(config: Partial<Pick<PrivacyConfig, 'recall' | 'cloud'>>): RecallLevel {
  if (config.recall !== undefined) return config.recall;
  const cloud = config.cloud ?? 'pseudonymize';
  return cloud === 'pseudonymize' || cloud === 'redact' ? 'high' : 'balanced';
}
