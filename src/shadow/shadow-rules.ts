import { z } from 'zod';
import { FlambeauError } from '../errors/index.js';
import { compileWhen, type Check } from '../router/compile-routes.js';
import { whenSchema } from '../router/route-config.js';

const name = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._:/-]*$/, 'letters, digits and . _ : / - only');
const oneOrMany = z.union([name, z.array(name).min(1)]);

/** A shadow rule's `when`: any route fact, plus `route` (the name of the route that was decided). */
const shadowWhenSchema = whenSchema.extend({ route: oneOrMany.optional() });
type ShadowWhenFile = z.infer<typeof shadowWhenSchema>;

/** `5/day`, `0.5/day` or a bare number (per day): USD the shadow calls of one rule may spend per UTC day. */
const budgetSchema = z.union(
  [
    z.number().nonnegative(),
    z
      .string()
      .regex(/^\d+(?:\.\d+)?\s*\/\s*day$/)
      .transform((text) => Number(text.split('/')[0])),
  ],
  { error: 'USD per day: 5/day, or a number' },
);

export const shadowRuleFileSchema = z.strictObject({
  name,
  when: z.union([shadowWhenSchema, z.array(shadowWhenSchema).min(1)]).optional(),
  /** The two models compared: the first is the local (candidate) side, the second the reference. */
  compare: z.tuple([name, name]),
  /** Share (0..1] of the matching answers that get a shadow call. */
  sample: z.number().gt(0).max(1),
  /** A model that judges whether the first answer is as good as the second; else agreement scoring. */
  judge: name.optional(),
  /** Shadow calls of this rule in flight at once. */
  max_concurrency: z.number().int().positive().default(1),
  /** Offers waiting for a free slot; past it they are dropped (and counted). */
  max_queue: z.number().int().nonnegative().default(64),
  budget_usd: budgetSchema.optional(),
  /** A device-local embedding model: free-text answers then agree by the cosine of their embeddings. */
  embedding_model: name.optional(),
  /** Agreement score at or above which the two answers count as agreeing (no judge). */
  agree_at: z.number().min(0).max(1).default(0.8),
  /** Longest shadow call (judge included), then it is abandoned as an error. */
  timeout_ms: z.number().int().positive().default(120_000),
  /** Store both answers' text with the comparison (off: only scores, costs, latencies, hashed features). */
  include_content: z.boolean().default(false),
});

/** One compiled `shadow:` rule. */
export interface ShadowRule {
  name: string;
  /** Route names this rule is limited to (empty: any route). */
  alternatives: readonly { routes: readonly string[] | null; checks: readonly Check[] }[];
  local: string;
  reference: string;
  sample: number;
  judge: string | null;
  embeddingModel: string | null;
  maxConcurrency: number;
  maxQueue: number;
  /** USD per UTC day; null: no limit. */
  budgetUsdPerDay: number | null;
  agreeAt: number;
  timeoutMs: number;
  includeContent: boolean;
}

const list = (value: string | string[]): string[] => (Array.isArray(value) ? value : [value]);

/**
 * Validates and compiles the `shadow:` section: unknown facts, unknown models and malformed rules
 * stop the start-up with a message naming the rule (as `routes:` does).
 */
export function compileShadowRules(raw: unknown, models: ReadonlySet<string>, thresholdForShare: (share: number) => number): ShadowRule[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) throw new FlambeauError('config_invalid', 'shadow: must be a list of rules.', { param: 'shadow' });
  const names = new Set<string>();
  return raw.map((entry, index) => {
    const label = `shadow[${index}]${typeof (entry as { name?: unknown })?.name === 'string' ? ` (${(entry as { name: string }).name})` : ''}`;
    const parsed = shadowRuleFileSchema.safeParse(entry);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const where = issue?.path.length ? `${issue.path.join('.')}: ` : '';
      throw new FlambeauError('config_invalid', `${label}: ${where}${issue?.message ?? 'invalid rule'}.`, { param: `shadow[${index}]` });
    }
    const rule = parsed.data;
    if (names.has(rule.name)) throw new FlambeauError('config_invalid', `${label}: the name ${rule.name} is used by an earlier rule.`);
    names.add(rule.name);
    for (const model of [...rule.compare, ...[rule.judge, rule.embedding_model].filter((m) => m !== undefined)]) {
      if (!models.has(model)) throw new FlambeauError('config_invalid', `${label}: ${model} is not a configured model.`, { param: `shadow[${index}]` });
    }
    if (rule.compare[0] === rule.compare[1]) throw new FlambeauError('config_invalid', `${label}: compare needs two different models.`);
    const whens: ShadowWhenFile[] = rule.when === undefined ? [] : Array.isArray(rule.when) ? rule.when : [rule.when];
    return {
      name: rule.name,
      alternatives: whens.map(({ route, ...facts }) => ({ routes: route === undefined ? null : list(route), checks: compileWhen(facts, thresholdForShare) })),
      local: rule.compare[0],
      reference: rule.compare[1],
      sample: rule.sample,
      judge: rule.judge ?? null,
      embeddingModel: rule.embedding_model ?? null,
      maxConcurrency: rule.max_concurrency,
      maxQueue: rule.max_queue,
      budgetUsdPerDay: rule.budget_usd ?? null,
      agreeAt: rule.agree_at,
      timeoutMs: rule.timeout_ms,
      includeContent: rule.include_content,
    };
  });
}

/** Checks the `shadow:` rules of a loaded config (`serve` before start-up, `config check`); complexity shares need the scorer, any is accepted here. */
export function checkShadowRules(config: { shadow: unknown[]; models: readonly { name: string }[] }): void {
  compileShadowRules(config.shadow, new Set(config.models.map((m) => m.name)), () => 0.5);
}
