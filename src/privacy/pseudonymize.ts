import type { ChatRequest } from '../providers/spec.js';
import { mapChatTexts } from './chat-texts.js';
import { countFindings, type DetectorFailure, type Findings, type ScanResult, type Span } from './pii-types.js';
import { createPlaceholderMatcher } from './placeholder-syntax.js';
import type { Scanner } from './scanner.js';
import type { PlaceholderVault } from './vault.js';

/** The two rewriting actions: `<PERSON_1>` (restorable) or `<PERSON>` (not). */
export type RewriteAction = 'pseudonymize' | 'redact';

/**
 * The result of scanning every text of a request once. Offsets only, never values; `scans`
 * follow `mapChatTexts`' visiting order so that a rewrite reuses them without scanning again.
 */
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

function inspectAll(visit: (fn: (text: string) => string) => void, scanner: Scanner): TextsInspection {
  const scans: ScanResult[] = [];
  const findings: Findings = {};
  const failures: DetectorFailure[] = [];
  visit((text) => {
    const scan = scanner.scan(text);
    scans.push(scan);
    countFindings(scan.spans, findings);
    for (const f of scan.failures) if (!failures.some((g) => g.detector === f.detector)) failures.push(f);
    return text;
  });
  return { findings, failures, scans };
}

/** Scans every text of a chat request (see `mapChatTexts` for what is covered). */
export function inspectChatTexts(request: ChatRequest, scanner: Scanner): TextsInspection {
  return inspectAll((fn) => void mapChatTexts(request, fn), scanner);
}

/** Scans embedding inputs. */
export function inspectTexts(texts: readonly string[], scanner: Scanner): TextsInspection {
  return inspectAll((fn) => void texts.forEach((t) => fn(t)), scanner);
}

/**
 * Numbers already written as placeholders in the request (a user quoting `<PERSON_1>`, or an
 * earlier turn's placeholders) are reserved so that restoring never turns them into a value.
 */
function reserveLiterals(texts: string[], types: readonly string[], vault: PlaceholderVault): void {
  const matcher = createPlaceholderMatcher(types);
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

/** Rewrites a chat request with the spans of `inspection` (from `inspectChatTexts` on the same request). */
export function rewriteChat(
  request: ChatRequest, inspection: TextsInspection, scannerTypes: readonly string[], vault: PlaceholderVault, action: RewriteAction,
): ChatRequest {
  if (action === 'pseudonymize') {
    const texts: string[] = [];
    mapChatTexts(request, (t) => (texts.push(t), t));
    reserveLiterals(texts, scannerTypes, vault);
  }
  let k = 0;
  return mapChatTexts(request, (text) => rewriteText(text, inspection.scans[k++]?.spans ?? [], vault, action));
}

/** Rewrites embedding inputs with the spans of `inspection` (from `inspectTexts` on the same inputs). */
export function rewriteTexts(
  texts: readonly string[], inspection: TextsInspection, scannerTypes: readonly string[], vault: PlaceholderVault, action: RewriteAction,
): string[] {
  if (action === 'pseudonymize') reserveLiterals([...texts], scannerTypes, vault);
  return texts.map((text, k) => rewriteText(text, inspection.scans[k]?.spans ?? [], vault, action));
}
