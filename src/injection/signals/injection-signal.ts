import type { InjectionSource } from '../injection-sources.js';

/** Evidence the learned model misses, each with a stable kind a client can branch on. */
export const SIGNAL_KINDS = [
  'hidden_text',
  'template_token',
  'role_marker',
  'override_phrase',
  'addressed_to_model',
  'encoded_payload',
  'hidden_markup',
] as const;
export type SignalKind = (typeof SIGNAL_KINDS)[number];

/**
 * One finding. `detail` names what was seen (a marker such as `<|im_start|>`, a character class,
 * an encoding), never the text around it; `start`/`end` are offsets in the scanned text.
 */
export interface InjectionSignal {
  kind: SignalKind;
  detail: string;
  count: number;
  start: number;
  end: number;
}

/**
 * Logit added to the model's when a signal is present, per source. Data (documents, tool results)
 * has no business speaking to the model as a role or hiding text; a user may paste a chat log or
 * ask what `[INST]` means, so the same marker weighs less there. Hidden Unicode tag characters are
 * never legitimate in any source. These are hand-set, not learned: see
 * docs/decisions/0006-injection-detector.md for the figures they were checked against.
 */
export const SIGNAL_LOGIT: Record<SignalKind, Record<InjectionSource, number>> = {
  hidden_text: { user: 2, document: 3, tool: 3 },
  template_token: { user: 2, document: 4, tool: 4 },
  role_marker: { user: 0.75, document: 2, tool: 2 },
  override_phrase: { user: 1.5, document: 2.5, tool: 2.5 },
  // Users speak to the assistant all the time; data has no reason to.
  addressed_to_model: { user: 0, document: 2, tool: 2 },
  encoded_payload: { user: 3, document: 4, tool: 4 },
  hidden_markup: { user: 3, document: 3, tool: 3 },
};

/**
 * Matches gathered per signal: enough to report and locate it; a text made of nothing but markers
 * (a hostile megabyte of "system:") costs no more than this many. `count` then stops here too.
 */
export const MAX_MATCHES = 256;

/** The first MAX_MATCHES matches of a global pattern. */
export function firstMatches(text: string, pattern: RegExp): RegExpExecArray[] {
  const out: RegExpExecArray[] = [];
  const re = new RegExp(pattern.source, pattern.flags);
  for (let m = re.exec(text); m !== null && out.length < MAX_MATCHES; m = re.exec(text)) {
    out.push(m);
    if (m[0] === '') re.lastIndex++;
  }
  return out;
}

/**
 * Anchors: literal strings a pattern cannot match without (lower case, accents removed), looked
 * for in the folded text (normalize-text.ts) before the pattern runs. Plain text seldom holds
 * them, so most texts skip most patterns. One alternation finds all of a module's anchors in one
 * pass (a search per anchor costs several times more).
 */
export interface AnchorSearch {
  /** The anchors of `vocabulary` present in `folded`. */
  present(folded: string): Set<string>;
}

export function anchorSearch(vocabulary: readonly string[]): AnchorSearch {
  const sorted = [...new Set(vocabulary)].sort((a, b) => b.length - a.length);
  // Each search restarts one character after the last match's start, so anchors overlapping one
  // another are all seen; at one position only the longest is matched, hence the shorter anchors it
  // starts with are added with it. (A lookahead would do the same but defeats the regex engine's
  // quick scan for the alternatives' first characters: several times slower.)
  const pattern = new RegExp(sorted.map((a) => a.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'), 'g');
  const withPrefixes = new Map(sorted.map((a) => [a, sorted.filter((b) => a.startsWith(b))]));
  return {
    present(folded) {
      const found = new Set<string>();
      pattern.lastIndex = 0;
      for (let m = pattern.exec(folded); m !== null; m = pattern.exec(folded)) {
        for (const a of withPrefixes.get(m[0]) ?? []) found.add(a);
        pattern.lastIndex = m.index + 1;
      }
      return found;
    },
  };
}

/** Whether `present` holds at least one anchor of each list. */
export function hasAnchors(present: ReadonlySet<string>, anchors: readonly (readonly string[])[]): boolean {
  return anchors.every((any) => any.some((a) => present.has(a)));
}
