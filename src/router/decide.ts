import { FlambeauError } from '../errors/index.js';
import { explainMatch, type CompiledRoute, type RouteWorld } from './compile-routes.js';
import type { RequestFacts } from './request-facts.js';

export interface SkippedTarget {
  model: string;
  reason: string;
}
export interface RuleTrace {
  name: string;
  matched: boolean;
  reason?: string;
}

/** Where a request goes and why: the rule, the ordered candidates, what was passed over. */
export interface Decision {
  /** The rule's name; `explicit` when the client named a model. */
  route: string;
  requested: string;
  candidates: string[];
  skipped: SkippedTarget[];
  /** The rules evaluated, in order, up to the one that matched. */
  rules: RuleTrace[];
  cascade?: CompiledRoute['cascade'];
}

export interface DecideInput {
  requested: string;
  routes: readonly CompiledRoute[];
  facts: RequestFacts;
  world: RouteWorld & { isModel(name: string): boolean; skipReason(model: string): string | null };
}

/**
 * Pure: facts + policy → decision. `auto` walks the rules in order (first match wins), leaving out
 * exposed routes; an exposed route's name uses that route; any other name is an explicit model (still under the privacy
 * policy). Candidates whose provider cannot be used now are moved to `skipped` with the reason.
 */
export function decide(input: DecideInput): Decision {
  const { requested, routes, facts, world } = input;
  const rules: RuleTrace[] = [];
  let chosen: CompiledRoute | undefined;
  if (requested === 'auto') {
    for (const route of routes) {
      // Exposed routes are groups a client names; they take no part in `auto`'s walk.
      if (route.expose) continue;
      const miss = explainMatch(route, facts, world);
      rules.push(miss === null ? { name: route.name, matched: true } : { name: route.name, matched: false, reason: miss });
      if (miss === null) {
        chosen = route;
        break;
      }
    }
    if (chosen === undefined) {
      throw new FlambeauError(
        'no_target_available',
        routes.length === 0 ? 'The model `auto` needs routes in the config.' : 'No route matched this request (add a last rule without `when` as the default).',
        {
          details: { rules },
        },
      );
    }
  } else {
    chosen = routes.find((r) => r.expose && r.name === requested);
    if (chosen !== undefined) rules.push({ name: chosen.name, matched: true, reason: 'requested by name' });
  }
  if (chosen === undefined) {
    if (!world.isModel(requested)) {
      throw new FlambeauError('model_not_found', `The model \`${requested}\` does not exist or you do not have access to it.`, {
        param: 'model',
        details: { model: requested },
      });
    }
    return withSkips({ route: 'explicit', requested, candidates: [requested], skipped: [], rules }, world);
  }
  const decision: Decision = { route: chosen.name, requested, candidates: [...chosen.targets], skipped: [], rules };
  if (chosen.cascade !== undefined) decision.cascade = chosen.cascade;
  return withSkips(decision, world);
}

function withSkips(decision: Decision, world: DecideInput['world']): Decision {
  const candidates: string[] = [];
  for (const model of decision.candidates) {
    const reason = world.skipReason(model);
    if (reason === null) candidates.push(model);
    else decision.skipped.push({ model, reason });
  }
  decision.candidates = candidates;
  return decision;
}
