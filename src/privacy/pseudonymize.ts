import { Pacer, scanPaced, type Paced } from './paced-scan.js';
import { countFindings, type DetectorFailure, type Findings, type ScanResult, type Span } from './pii-types.js';
import { createPlaceholderMatcher, type PlaceholderMatcher } from './placeholder-syntax.js';
import type { Scanner } from './scanner.js';
import type { PlaceholderVault } from './vault.js';

/** The two rewriting actions: `<PERSON_1>` (restorable) or `<PERSON>` (not). */
export type RewriteAction = 'pseudonymize' | 'redact';

/** The result of scanning a list of texts once (embedding inputs). Offsets only, never values. */
export interface TextsInspection {
  readonly findings: Findings;
  readonly failures: DetectorFailure[];
  /** One per visited text, in order. */
  readonly scans: readonly ScanResult[];
}

/** Replaces each span of `text` by its placeholder (`spans` sorted, non-overlapping). */
export function rewriteText(text: string, spans: readonly Span[], vault: PlaceholderVault, action: RewriteAction): string {
  if (spans.length === 0) return text;
  const out: string[] = [];
  let at = 0;
  for (const span of spans) {
    out.push(text.slice(at, span.start));
    out.push(action === 'redact' ? `<${span.type}>` : vault.placeholderFor(span.type, text.slice(span.start, span.end)));
    at = span.end;
  }
  out.push(text.slice(at));
  return out.join('');
}

/** Scans embedding inputs (normalised views, pausing as it goes; see paced-scan.ts). */
export function* inspectTexts(texts: readonly string[], scanner: Scanner): Paced<TextsInspection> {
  const pacer = new Pacer();
  const scans: ScanResult[] = [];
  const findings: Findings = {};
  const failures: DetectorFailure[] = [];
  for (const text of texts) {
    const scan = yield* scanPaced(scanner, text, pacer);
    scans.push(scan);
    countFindings(scan.spans, findings);
    for (const f of scan.failures) if (!failures.some((g) => g.detector === f.detector)) failures.push(f);
  }
  return { findings, failures, scans };
}

/**
 * Numbers already written as placeholders in the request (a user quoting `<PERSON_1>`, or an
 * earlier turn's placeholders) are reserved so that restoring never turns them into a value.
 */
export function reserveLiterals(texts: string[], types: readonly string[], vault: PlaceholderVault): void {
  const matcher = matcherFor(types);
  const re = matcher.candidates;
  for (const text of texts) {
    re.lastIndex = 0;
    for (let c = re.exec(text); c !== null; c = re.exec(text)) {
      const m = matcher.matchAt(text, c.index, text[c.index - 1], true);
      if (m.kind === 'match') vault.reserve(m.type, m.n);
      re.lastIndex = c.index + 1;
    }
  }
}

/** Rewrites embedding inputs with the spans of `inspection` (from `inspectTexts` on the same inputs). */
export function rewriteTexts(
  texts: readonly string[],
  inspection: TextsInspection,
  scannerTypes: readonly string[],
  vault: PlaceholderVault,
  action: RewriteAction,
): string[] {
  if (action === 'pseudonymize') reserveLiterals([...texts], scannerTypes, vault);
  return texts.map((text, k) => rewriteText(text, inspection.scans[k]?.spans ?? [], vault, action));
}

// One matcher per set of types, built once: the types come from the configured detectors, so the
// set is small and bounded. Safe to share here: the loop above is synchronous and resets `lastIndex`.
const matchers = new Map<string, PlaceholderMatcher>();
// The same by the array itself (a scanner's `types`, made once): no join per request.
const matchersByList = new WeakMap<readonly string[], PlaceholderMatcher>();

function matcherFor(types: readonly string[]): PlaceholderMatcher {
  const known = matchersByList.get(types);
  if (known !== undefined) return known;
  const matcher = matcherForKey(types);
  if (Object.isFrozen(types)) matchersByList.set(types, matcher);
  return matcher;
}

function matcherForKey(types: readonly string[]): PlaceholderMatcher {
  const key = types.join('\u0000');
  let matcher = matchers.get(key);
  if (matcher === undefined) {
    matcher = createPlaceholderMatcher(types);
    if (matchers.size < 256) matchers.set(key, matcher);
  }
  return matcher;
}
