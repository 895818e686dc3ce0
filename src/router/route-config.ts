import { z } from 'zod';

const name = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._:/-]*$/, 'letters, digits and . _ : / - only');
const oneOrMany = z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]);
const share = z.number().gt(0).lt(1);

/**
 * The facts a rule can test. Every key of `when` must be one of these: an unknown fact stops the
 * start-up, naming the rule. All keys of one `when` must hold (AND); a list of `when` maps is OR.
 */
export const whenSchema = z.strictObject({
  /** Personal data of any type was found (privacy guard findings, secrets excluded). */
  pii: z.boolean().optional(),
  /** At least one of these personal-data types was found. */
  pii_types: z
    .array(z.string().regex(/^[A-Z][A-Z0-9_]*$/))
    .min(1)
    .optional(),
  /** A secret (API key, token, private key) was found. */
  secrets: z.boolean().optional(),
  /** Estimated request tokens (messages and tools). */
  tokens_gt: z.number().int().nonnegative().optional(),
  tokens_lt: z.number().int().positive().optional(),
  /** The request offers tools. */
  tools: z.boolean().optional(),
  /** The request asks for JSON output (json_object or json_schema). */
  json: z.boolean().optional(),
  /** The request asks for a JSON schema. */
  json_schema: z.boolean().optional(),
  /** The calling key (id or name) or its team. */
  key: oneOrMany.optional(),
  team: oneOrMany.optional(),
  /** A caller tag from the `x-flambeau-tags` header (comma-separated). */
  tag: oneOrMany.optional(),
  /** The model name the client sent (`auto`, or an exposed route name). */
  model: oneOrMany.optional(),
  /** The complexity score (0..1, higher: the local model is more likely to fail where the cloud succeeds). */
  complexity_gt: z.number().min(0).max(1).optional(),
  complexity_lt: z.number().min(0).max(1).optional(),
  /** Instead of a raw threshold: the hardest share of traffic (by the score's distribution on the training prompts). */
  complexity_top_share: share.optional(),
  /** Retrieved private knowledge is in the prompt (see `knowledge:` collections). */
  knowledge: z.boolean().optional(),
  /** A user message, retrieved chunk or tool result was flagged as a prompt injection (see `injection:`). */
  injection: z.boolean().optional(),
  /** Health: at least one cloud target of this route is usable now (allowed, breaker not open). */
  cloud_available: z.boolean().optional(),
  /** Health: this model's provider is usable now. */
  healthy: oneOrMany.optional(),
});
export type WhenFile = z.infer<typeof whenSchema>;

const cascadeSchema = z.strictObject({
  first: name,
  then: name,
  escalate_on: z
    .array(z.enum(['invalid_json', 'refusal', 'low_confidence']))
    .min(1)
    .default(['invalid_json', 'refusal', 'low_confidence']),
});

export const routeFileSchema = z
  .strictObject({
    name,
    when: z.union([whenSchema, z.array(whenSchema).min(1)]).optional(),
    /** Ordered targets: the first usable one answers, later ones are fallbacks. */
    to: z.array(name).min(1).optional(),
    cascade: cascadeSchema.optional(),
    /** Clients may send this route's name as `model` to use it directly. */
    expose: z.boolean().optional(),
  })
  .refine((r) => (r.to === undefined) !== (r.cascade === undefined), { message: 'a route needs exactly one of `to` or `cascade`' });
export type RouteFile = z.infer<typeof routeFileSchema>;

/** The `routing:` section is declared in config/ (config imports no domain); router/ reads it from here. */
export { routingFileSchema, type RoutingFile } from '../config/sections/routing-section.js';
