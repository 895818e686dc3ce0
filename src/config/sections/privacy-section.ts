import { z } from 'zod';
import { tableDefault } from '../settings.js';
import { catastrophicBacktracking } from './custom-regex-probe.js';

/**
 * The built-in detectable types (privacy/ has one detector per type, enforced by a
 * `Record<BuiltinPiiType, …>`). Declared here because the `privacy:` section validates `detect`
 * against it and config/ imports no domain. Custom detectors add their own upper-case names.
 */
export const BUILTIN_PII_TYPES = ['EMAIL', 'PHONE', 'IBAN', 'CREDIT_CARD', 'FR_NIR', 'US_SSN', 'IP_ADDRESS', 'SECRET', 'ADDRESS', 'PERSON'] as const;

export type BuiltinPiiType = (typeof BUILTIN_PII_TYPES)[number];

/**
 * OpenAI request fields sent to every target by default: numbers, booleans and enums that carry
 * no text of the user (their strings are scanned all the same). Free-form ones (`metadata`,
 * `prediction`, legacy `functions`, `store`) are left out: an operator lists them if wanted.
 */
export const DEFAULT_PASSTHROUGH_FIELDS = ['logprobs', 'top_logprobs', 'logit_bias', 'reasoning_effort', 'service_tier', 'verbosity'] as const;

const ACTION = z.enum(['pseudonymize', 'redact', 'block', 'allow']);
const ON_DETECTOR_ERROR = z.enum(['block', 'allow']);
const UNSCANNED_IMAGES = z.enum(['refuse', 'forward']);
/** Custom type names become placeholders (`<CLIENT_1>`): upper-case, no brackets or spaces. */
const TYPE_NAME = z.string().regex(/^[A-Z][A-Z0-9_]{0,31}$/, 'an upper-case name such as CLIENT or PROJECT_CODE');

const CUSTOM_REGEX = z
  .strictObject({
    type: TYPE_NAME,
    pattern: z.string().min(1),
    flags: z
      .string()
      .regex(/^[imsu]*$/, 'flags among i, m, s, u')
      .optional(),
  })
  .superRefine((spec, ctx) => {
    try {
      new RegExp(spec.pattern, `${spec.flags ?? ''}g`);
    } catch {
      ctx.addIssue({ code: 'custom', message: 'not a valid JavaScript regular expression', path: ['pattern'] });
      return;
    }
    // Scanned on every request, up to megabytes: a pattern that backtracks badly is refused here.
    const slow = catastrophicBacktracking(spec.pattern, spec.flags ?? '');
    if (slow !== null) ctx.addIssue({ code: 'custom', message: `pattern ${slow}`, path: ['pattern'] });
  });

const CUSTOM_WORDS = z.strictObject({
  type: TYPE_NAME,
  words: z.array(z.string().min(1)).min(1),
  case_sensitive: z.boolean().optional(),
});

/**
 * The `privacy:` section of flambeau.yaml.
 *
 * ```yaml
 * privacy:
 *   detect: [PERSON, EMAIL, PHONE, IBAN]   # default: every built-in type
 *   cloud: pseudonymize                    # pseudonymize | redact | block | allow
 *   lan: allow
 *   device: allow
 *   on_detector_error: block               # block | allow (go on with the other detectors)
 *   recall: high                           # high | balanced; default high when cloud is pseudonymize or redact
 *   custom:
 *     - { type: CLIENT, words: [Acme, Globex] }
 *     - { type: ORDER_REF, pattern: 'CMD-\d{6}', flags: i }
 * ```
 * Custom detectors are always on; `detect` lists built-in types (custom names are accepted too).
 *
 * Egress is default-deny where the action is not `allow`: request fields flambeau does not model
 * are sent only when listed in `passthrough_fields` (their strings are scanned like the rest);
 * images the guard cannot read (binary `data:` URLs) are refused unless `unscanned_images` is
 * `forward`.
 */
export const privacyConfigSchema = z
  .strictObject({
    detect: z.array(TYPE_NAME).default([...BUILTIN_PII_TYPES]),
    cloud: ACTION.default(tableDefault('privacy.cloud', ACTION)),
    lan: ACTION.default(tableDefault('privacy.lan', ACTION)),
    device: ACTION.default(tableDefault('privacy.device', ACTION)),
    on_detector_error: ON_DETECTOR_ERROR.default(tableDefault('privacy.on_detector_error', ON_DETECTOR_ERROR)),
    /** Names, addresses and phones found on weaker evidence too (`high`), or only on firmer evidence (`balanced`). See privacy/detectors/recall-level.ts. */
    recall: z.enum(['high', 'balanced']).optional(),
    custom: z.array(z.union([CUSTOM_REGEX, CUSTOM_WORDS])).default([]),
    passthrough_fields: z
      .array(z.string().regex(/^[a-z][a-z0-9_]{0,63}$/, 'an OpenAI request field name such as logprobs'))
      .default([...DEFAULT_PASSTHROUGH_FIELDS]),
    unscanned_images: UNSCANNED_IMAGES.default(tableDefault('privacy.unscanned_images', UNSCANNED_IMAGES)),
  })
  .superRefine((config, ctx) => {
    const known = new Set<string>([...BUILTIN_PII_TYPES, ...config.custom.map((c) => c.type)]);
    config.detect.forEach((type, i) => {
      if (!known.has(type)) ctx.addIssue({ code: 'custom', message: `unknown type ${type}`, path: ['detect', i] });
    });
  });

/** The checked config, defaults applied. */
export type PrivacyConfig = z.output<typeof privacyConfigSchema>;
/** What a user writes (every key optional). */
export type PrivacyConfigInput = z.input<typeof privacyConfigSchema>;
export type CustomDetectorConfig = PrivacyConfig['custom'][number];
