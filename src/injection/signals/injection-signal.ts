import type { InjectionSource } from '../injection-sources.js';
import { decodeCodes } from '../normalize-text.js';

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
 * them, so most texts skip most patterns. One pass finds all of a module's anchors (a search per
 * anchor costs several times more).
 */
export interface AnchorSearch {
  /** The anchors of `vocabulary` present in `folded`. */
  present(folded: string): Set<string>;
  /**
   * The same for the folded text still as code units (normalize-text.ts's `foldForModel`): the
   * scanner then never builds the folded string. Equal to `present(decodeCodes(codes, length))`.
   */
  presentInCodes(codes: Uint16Array, length: number): Set<string>;
}

export function anchorSearch(vocabulary: readonly string[]): AnchorSearch {
  const anchors = [...new Set(vocabulary)].filter((a) => a !== '');
  // Anchors are folded text, ASCII in practice; any other falls back to the alternation.
  if (anchors.some((a) => /[^\x00-\x7f]/.test(a))) return anchorSearchByPattern(anchors);
  // `present` is the set of anchors occurring anywhere in the text: an Aho-Corasick automaton over
  // ASCII code units finds it in one table read per character, about twice as fast as one
  // regular-expression alternation of all anchors (which tries many alternatives at every position
  // starting with a common letter). Non-ASCII characters lead back to the root.
  const goto: number[][] = [new Array<number>(128).fill(-1)];
  const ends: string[][] = [[]];
  for (const a of anchors) {
    let state = 0;
    for (let i = 0; i < a.length; i++) {
      const c = a.charCodeAt(i);
      let to = (goto[state] as number[])[c] as number;
      if (to === -1) {
        to = goto.length;
        goto.push(new Array<number>(128).fill(-1));
        ends.push([]);
        (goto[state] as number[])[c] = to;
      }
      state = to;
    }
    (ends[state] as string[]).push(a);
  }
  // Breadth first: each state's missing moves are its failure state's, and it reports the anchors
  // of its failure state too (the anchors ending at this point of the text).
  const next = new Int32Array(goto.length * 128);
  const outputs: string[][] = ends.map((e) => [...e]);
  const queue: number[] = [];
  for (let c = 0; c < 128; c++) {
    const to = (goto[0] as number[])[c] as number;
    next[c] = to === -1 ? 0 : to;
    if (to !== -1) queue.push(to);
  }
  const fail = new Int32Array(goto.length);
  for (let q = 0; q < queue.length; q++) {
    const state = queue[q] as number;
    (outputs[state] as string[]).push(...(outputs[fail[state] as number] as string[]));
    for (let c = 0; c < 128; c++) {
      const to = (goto[state] as number[])[c] as number;
      if (to === -1) next[state * 128 + c] = next[(fail[state] as number) * 128 + c] as number;
      else {
        fail[to] = next[(fail[state] as number) * 128 + c] as number;
        next[state * 128 + c] = to;
        queue.push(to);
      }
    }
  }
  // A move into a state that reports anchors is stored as ~state: one test per character.
  for (let k = 0; k < next.length; k++) if ((outputs[next[k] as number] as string[]).length > 0) next[k] = ~(next[k] as number);
  return {
    present(folded) {
      const found = new Set<string>();
      let state = 0;
      const length = folded.length;
      for (let i = 0; i < length; i++) {
        const c = folded.charCodeAt(i);
        state = c < 128 ? (next[(state << 7) | c] as number) : 0;
        if (state < 0) {
          state = ~state;
          for (const a of outputs[state] as string[]) found.add(a);
        }
      }
      return found;
    },
    // The same loop over code units. Decoding them (TextDecoder) would turn a lone surrogate into
    // U+FFFD and drop a leading U+FEFF: all three are past ASCII and lead back to the root either
    // way, so the anchors found are the same.
    presentInCodes(codes, length) {
      const found = new Set<string>();
      let state = 0;
      for (let i = 0; i < length; i++) {
        const c = codes[i] as number;
        state = c < 128 ? (next[(state << 7) | c] as number) : 0;
        if (state < 0) {
          state = ~state;
          for (const a of outputs[state] as string[]) found.add(a);
        }
      }
      return found;
    },
  };
}

/**
 * The first version of `anchorSearch` (one alternation), kept as the reference that the test holds
 * the faster one to: both must find the same anchors in any text.
 */
export function anchorSearchByPattern(vocabulary: readonly string[]): AnchorSearch {
  const sorted = [...new Set(vocabulary)].sort((a, b) => b.length - a.length);
  // Each search restarts one character after the last match's start, so anchors overlapping one
  // another are all seen; at one position only the longest is matched, hence the shorter anchors it
  // starts with are added with it.
  const pattern = new RegExp(sorted.map((a) => a.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'), 'g');
  const withPrefixes = new Map(sorted.map((a) => [a, sorted.filter((b) => a.startsWith(b))]));
  const search: AnchorSearch = {
    presentInCodes: (codes, length) => search.present(decodeCodes(codes, length)),
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
  return search;
}

/** Whether `present` holds at least one anchor of each list. */
export function hasAnchors(present: ReadonlySet<string>, anchors: readonly (readonly string[])[]): boolean {
  return anchors.every((any) => any.some((a) => present.has(a)));
}
