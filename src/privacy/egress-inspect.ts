import type { ChatRequest } from '../providers/spec.js';
import { mapEgressStrings, type Visit } from './egress-strings.js';
import { Pacer, scanPaced, type Paced } from './paced-scan.js';
import { countFindings, type DetectorFailure, type Findings, type Span } from './pii-types.js';
import type { ScanMemo } from './scan-memo.js';
import type { Scanner } from './scanner.js';

/**
 * A span of one visited string. A value split over adjacent message texts gives one span per
 * piece: the first carries the whole `value` (it becomes the placeholder), the others are
 * `continuation`s (they are removed).
 */
export interface EgressSpan extends Span {
  value?: string;
  continuation?: true;
}

/** One string of the request as the guard saw it (offsets only; `text` is the request's own string). */
export interface InspectedString extends Visit {
  readonly text: string;
  spans: EgressSpan[];
  /** An image the guard cannot read (binary `data:` URL): never sent where the action is not `allow`, unless configured. */
  unscannable?: true;
}

/** Every string of a chat request, scanned once, in `mapEgressStrings` order. */
export interface EgressInspection {
  readonly strings: readonly InspectedString[];
  readonly failures: DetectorFailure[];
}

/**
 * Characters of context taken on each side of the edge between two adjacent message texts: a
 * value split there (half an IBAN in one text part, half in the next) is found when each half
 * is shorter than this.
 */
export const SEAM_CHARS = 256;

/** Scans every string a provider would receive (see egress-strings.ts), pausing as it goes; `memo`: see scan-memo.ts. */
export function* inspectEgress(request: ChatRequest, scanner: Scanner, memo?: ScanMemo): Paced<EgressInspection> {
  const strings: InspectedString[] = [];
  mapEgressStrings(request, (text, visit) => {
    strings.push({ kind: visit.kind, path: visit.path, seam: visit.seam, passthrough: visit.passthrough, text, spans: [] });
    return text;
  });
  const pacer = new Pacer();
  const failures: DetectorFailure[] = [];
  const note = (list: readonly DetectorFailure[]): void => {
    for (const f of list) if (!failures.some((g) => g.detector === f.detector)) failures.push(f);
  };
  for (const item of strings) {
    let text = item.text;
    if (item.kind === 'url') {
      const readable = readableUrl(text);
      if (readable === undefined) {
        item.unscannable = true;
        continue;
      }
      text = readable;
    } else if (item.kind !== 'text') {
      // Identifiers join words with `_` ("Claire_Martin", "call_0612345678"): read it as a space
      // (same length, so the offsets stay those of the original).
      text = text.replaceAll('_', ' ');
    }
    const result = yield* scanPaced(scanner, text, pacer, memo);
    item.spans = result.spans;
    note(result.failures);
  }
  note(
    yield* scanSeams(
      strings.filter((s) => s.seam),
      scanner,
      pacer,
      memo,
    ),
  );
  return { strings, failures };
}

/** Counts of the values found, each split value once. `skip` leaves strings out (fields that will not be sent). */
export function egressFindings(inspection: EgressInspection, skip: (item: InspectedString) => boolean = () => false): Findings {
  const findings: Findings = {};
  for (const item of inspection.strings) {
    if (skip(item)) continue;
    countFindings(
      item.spans.filter((s) => s.continuation !== true),
      findings,
    );
  }
  return findings;
}

/**
 * What the detectors read of an image URL: the URL itself (its escapes are decoded by the scan
 * view), or the decoded payload of a text `data:` URL. Undefined for binary data (an image).
 */
export function readableUrl(url: string): string | undefined {
  if (!/^data:/i.test(url)) return url;
  const comma = url.indexOf(',');
  if (comma === -1) return url;
  const header = url.slice(5, comma).toLowerCase();
  const params = header.split(';').map((p) => p.trim());
  const media = params[0] ?? '';
  if (!params.includes('base64')) return url; // percent-encoded text: the view decodes it
  const textual =
    media === '' || media.startsWith('text/') || /^application\/(?:json|xml|[a-z.+-]*\+(?:json|xml))$/.test(media) || media.startsWith('image/svg');
  if (!textual) return undefined;
  return `${url.slice(0, comma + 1)}${Buffer.from(url.slice(comma + 1), 'base64').toString('utf8')}`;
}

/**
 * Scans across the edges between adjacent message texts. The texts are seen as one stream;
 * around each edge, SEAM_CHARS on each side are scanned (overlapping windows merged, so each
 * character is scanned at most once more). Spans that cross an edge are split into pieces, one
 * per string.
 */
function* scanSeams(texts: InspectedString[], scanner: Scanner, pacer: Pacer, memo: ScanMemo | undefined): Paced<DetectorFailure[]> {
  if (texts.length < 2) return [];
  const starts: number[] = [];
  let total = 0;
  for (const t of texts) {
    starts.push(total);
    total += t.text.length;
  }
  const failures: DetectorFailure[] = [];
  let k = 1;
  while (k < texts.length) {
    // One window: from SEAM_CHARS before edge k to SEAM_CHARS after the last edge it reaches.
    const from = Math.max(0, starts[k]! - SEAM_CHARS);
    let to = Math.min(total, starts[k]! + SEAM_CHARS);
    let last = k;
    while (last + 1 < texts.length && starts[last + 1]! - SEAM_CHARS <= to) {
      last += 1;
      to = Math.min(total, starts[last]! + SEAM_CHARS);
    }
    const first = lastStartingAtOrBefore(starts, from);
    const window = windowText(texts, starts, first, from, to);
    const result = yield* scanPaced(scanner, window, pacer, memo);
    failures.push(...result.failures);
    for (const span of result.spans) {
      const start = span.start + from;
      const end = span.end + from;
      const a = lastStartingAtOrBefore(starts, start);
      const b = lastStartingAtOrBefore(starts, end - 1);
      if (a !== b) splitAcross(texts, starts, span, start, end, a, b);
    }
    k = last + 1;
  }
  return failures;
}

function lastStartingAtOrBefore(starts: number[], at: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid]! <= at) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

function windowText(texts: InspectedString[], starts: number[], first: number, from: number, to: number): string {
  const parts: string[] = [];
  for (let j = first; j < texts.length && starts[j]! < to; j++) {
    const s = starts[j]!;
    parts.push(texts[j]!.text.slice(Math.max(0, from - s), Math.min(texts[j]!.text.length, to - s)));
  }
  return parts.join('');
}

/**
 * Records a value found across strings a..b as pieces. A crossing span that overlaps a value
 * found inside one string is dropped: the string's own scan saw that value whole, and gluing
 * two texts makes chance matches ("…@exemple.fr" + "Sophie" reads as one longer address).
 */
function splitAcross(texts: InspectedString[], starts: number[], span: Span, start: number, end: number, a: number, b: number): void {
  const pieces: { j: number; from: number; to: number }[] = [];
  for (let j = a; j <= b; j++) {
    const item = texts[j]!;
    const from = Math.max(start, starts[j]!) - starts[j]!;
    const to = Math.min(end, starts[j]! + item.text.length) - starts[j]!;
    if (to <= from) continue;
    if (item.spans.some((s) => s.start < to && s.end > from)) return;
    pieces.push({ j, from, to });
  }
  const value = pieces.map((p) => texts[p.j]!.text.slice(p.from, p.to)).join('');
  pieces.forEach((p, n) => {
    const item = texts[p.j]!;
    const piece: EgressSpan =
      n === 0
        ? { type: span.type, start: p.from, end: p.to, detector: span.detector, value }
        : { type: span.type, start: p.from, end: p.to, detector: span.detector, continuation: true };
    item.spans = [...item.spans, piece].sort((x, y) => x.start - y.start);
  });
}
