import { B_ADR, B_PER, I_ADR, I_PER, O } from './tagger-model.js';
import { NEWLINE, PUNCT, tokenEnd, tokenKind, tokenStart, WORD, type TaggerTokens } from './tagger-tokens.js';

export interface TaggedSpan {
  type: 'PERSON' | 'ADDRESS';
  start: number;
  end: number;
  /** Token indexes of the span, first and last (inclusive). */
  first?: number;
  last?: number;
}

/** Gold labels of tokens from spans (a token inside a span: B on its first token, I after). */
export function labelsFromSpans(t: TaggerTokens, spans: readonly TaggedSpan[]): Uint8Array {
  const labels = new Uint8Array(t.count);
  let s = 0;
  const sorted = [...spans].sort((a, b) => a.start - b.start);
  for (let i = 0; i < t.count; i++) {
    const start = tokenStart(t, i);
    while (s < sorted.length && sorted[s]!.end <= start) s++;
    const span = sorted[s];
    if (span === undefined || start < span.start || tokenEnd(t, i) > span.end) continue;
    const first = i === 0 || tokenStart(t, i - 1) < span.start;
    labels[i] = span.type === 'PERSON' ? (first ? B_PER : I_PER) : first ? B_ADR : I_ADR;
  }
  return labels;
}

/**
 * Spans from labels of tokens [from, from + labels.length): a B and the I that follow it. Line
 * breaks and punctuation at the end are left out, except the dot of an initial ("P.J.") or of
 * an abbreviation the tagger kept inside.
 */
export function spansFromLabels(text: string, t: TaggerTokens, from: number, labels: Uint8Array, out: TaggedSpan[]): void {
  for (let k = 0; k < labels.length; k++) {
    const label = labels[k]!;
    if (label !== B_PER && label !== B_ADR) continue;
    const inside = label === B_PER ? I_PER : I_ADR;
    let last = k;
    while (last + 1 < labels.length && labels[last + 1] === inside) last++;
    let end = last;
    while (end > k && !keepsEnd(text, t, from + end)) end--;
    out.push({ type: label === B_PER ? 'PERSON' : 'ADDRESS', start: tokenStart(t, from + k), end: tokenEnd(t, from + end), first: from + k, last: from + end });
    k = last;
  }
}

/** Whether a span may end on token i: a word or number, or the dot after a one-letter word ("P."). */
function keepsEnd(text: string, t: TaggerTokens, i: number): boolean {
  const kind = tokenKind(t, i);
  if (kind === NEWLINE) return false;
  if (kind !== PUNCT) return true;
  if (text.charCodeAt(tokenStart(t, i)) !== 46 || i === 0) return false;
  return tokenKind(t, i - 1) === WORD && tokenEnd(t, i - 1) - tokenStart(t, i - 1) === 1 && tokenEnd(t, i - 1) === tokenStart(t, i);
}

export { O };
