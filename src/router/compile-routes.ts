import { FlambeauError } from '../errors/index.js';
import type { Locality } from '../providers/spec.js';
import type { RequestFacts } from './request-facts.js';
import { routeFileSchema, whenSchema, type RouteFile, type WhenFile } from './route-config.js';

/** What a compiled condition needs from the outside world besides the request's facts. */
export interface RouteWorld {
  /** The model's provider is usable now (breaker not open, cloud allowed). */
  usable(model: string): boolean;
  locality(model: string): Locality;
}

/** One fact check: a name for explanations, and a test (shadow rules reuse them). */
export interface Check {
  fact: string;
  test(facts: RequestFacts, world: RouteWorld, targets: readonly string[]): boolean;
}

export interface CompiledRoute {
  name: string;
  expose: boolean;
  targets: readonly string[];
  cascade?: { first: string; then: string; escalateOn: readonly ('invalid_json' | 'refusal' | 'low_confidence')[] };
  /** OR of ANDs; empty: always matches. */
  alternatives: readonly (readonly Check[])[];
}

/** The first fact that failed in each alternative, or null when the route matches. */
export function explainMatch(route: CompiledRoute, facts: RequestFacts, world: RouteWorld): string | null {
  if (route.alternatives.length === 0) return null;
  const misses: string[] = [];
  for (const checks of route.alternatives) {
    const failed = checks.find((check) => !check.test(facts, world, route.targets));
    if (failed === undefined) return null;
    misses.push(failed.fact);
  }
  return `${misses.join(' / ')} did not hold`;
}

const list = (value: string | string[]): string[] => (Array.isArray(value) ? value : [value]);

export function compileWhen(when: WhenFile, thresholdForShare: (share: number) => number): Check[] {
  const checks: Check[] = [];
  const add = (fact: string, test: Check['test']) => checks.push({ fact, test });
  if (when.pii !== undefined) add(`pii: ${when.pii}`, (f) => f.piiTypes.length > 0 === when.pii);
  if (when.pii_types !== undefined) add(`pii_types: [${when.pii_types.join(', ')}]`, (f) => f.piiTypes.some((t) => when.pii_types?.includes(t)));
  if (when.secrets !== undefined) add(`secrets: ${when.secrets}`, (f) => f.secrets === when.secrets);
  if (when.tokens_gt !== undefined) add(`tokens_gt: ${when.tokens_gt}`, (f) => f.tokens > (when.tokens_gt as number));
  if (when.tokens_lt !== undefined) add(`tokens_lt: ${when.tokens_lt}`, (f) => f.tokens < (when.tokens_lt as number));
  if (when.tools !== undefined) add(`tools: ${when.tools}`, (f) => f.tools === when.tools);
  if (when.json !== undefined) add(`json: ${when.json}`, (f) => f.json === when.json);
  if (when.json_schema !== undefined) add(`json_schema: ${when.json_schema}`, (f) => f.jsonSchema === when.json_schema);
  if (when.key !== undefined) {
    const keys = list(when.key);
    add(`key: ${keys.join('|')}`, (f) => f.key.some((k) => keys.includes(k)));
  }
  if (when.team !== undefined) {
    const teams = list(when.team);
    add(`team: ${teams.join('|')}`, (f) => f.team !== null && teams.includes(f.team));
  }
  if (when.tag !== undefined) {
    const tags = list(when.tag);
    add(`tag: ${tags.join('|')}`, (f) => f.tags.some((t) => tags.includes(t)));
  }
  if (when.model !== undefined) {
    const models = list(when.model);
    add(`model: ${models.join('|')}`, (f) => models.includes(f.model));
  }
  if (when.complexity_gt !== undefined) add(`complexity_gt: ${when.complexity_gt}`, (f) => f.complexity() > (when.complexity_gt as number));
  if (when.complexity_lt !== undefined) add(`complexity_lt: ${when.complexity_lt}`, (f) => f.complexity() < (when.complexity_lt as number));
  if (when.complexity_top_share !== undefined) {
    const threshold = thresholdForShare(when.complexity_top_share);
    add(`complexity_top_share: ${when.complexity_top_share} (score > ${threshold.toFixed(4)})`, (f) => f.complexity() > threshold);
  }
  if (when.knowledge !== undefined) add(`knowledge: ${when.knowledge}`, (f) => f.knowledge === when.knowledge);
  if (when.injection !== undefined) add(`injection: ${when.injection}`, (f) => f.injection === when.injection);
  if (when.cloud_available !== undefined) {
    add(
      `cloud_available: ${when.cloud_available}`,
      (_f, world, targets) => targets.some((t) => world.locality(t) === 'cloud' && world.usable(t)) === when.cloud_available,
    );
  }
  if (when.healthy !== undefined) {
    const models = list(when.healthy);
    add(`healthy: ${models.join('|')}`, (_f, world) => models.every((m) => world.usable(m)));
  }
  return checks;
}

/**
 * Validates and compiles the `routes:` section. Unknown facts, unknown models and malformed rules
 * stop the start-up with a message naming the rule.
 */
export function compileRoutes(raw: unknown, models: ReadonlySet<string>, thresholdForShare: (share: number) => number): CompiledRoute[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) throw new FlambeauError('config_invalid', 'routes: must be a list of rules.', { param: 'routes' });
  const names = new Set<string>();
  return raw.map((entry, index) => {
    const label = `routes[${index}]${typeof (entry as { name?: unknown })?.name === 'string' ? ` (${(entry as { name: string }).name})` : ''}`;
    const parsed = routeFileSchema.safeParse(entry);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const where = issue?.path.length ? issue.path.join('.') : '';
      const unknown = issue?.code === 'unrecognized_keys' && where.startsWith('when') ? ` (known facts: ${Object.keys(whenSchema.shape).join(', ')})` : '';
      throw new FlambeauError('config_invalid', `${label}: ${where ? `${where}: ` : ''}${issue?.message ?? 'invalid rule'}${unknown}.`, {
        param: `routes[${index}]`,
      });
    }
    const route: RouteFile = parsed.data;
    if (names.has(route.name)) throw new FlambeauError('config_invalid', `${label}: the name ${route.name} is used by an earlier rule.`);
    names.add(route.name);
    if (route.expose === true && models.has(route.name))
      throw new FlambeauError('config_invalid', `${label}: an exposed route cannot share its name with a model.`);
    const targets = route.to ?? (route.cascade === undefined ? [] : [route.cascade.first, route.cascade.then]);
    for (const target of targets) {
      if (!models.has(target))
        throw new FlambeauError('config_invalid', `${label}: target ${target} is not a configured model.`, { param: `routes[${index}]` });
    }
    const whens = route.when === undefined ? [] : Array.isArray(route.when) ? route.when : [route.when];
    const compiled: CompiledRoute = {
      name: route.name,
      expose: route.expose ?? false,
      targets,
      alternatives: whens.map((w) => compileWhen(w, thresholdForShare)),
    };
    if (route.cascade !== undefined) compiled.cascade = { first: route.cascade.first, then: route.cascade.then, escalateOn: route.cascade.escalate_on };
    return compiled;
  });
}
