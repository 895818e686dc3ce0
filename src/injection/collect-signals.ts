import { normalizeForModel } from './normalize-text.js';
import { findAddressedToModel, NAME_ANCHORS } from './signals/addressed-to-model.js';
import { DEFAULT_DECODE_LIMITS, findEncodedPayloads, type DecodeLimits } from './signals/encoded-payloads.js';
import type { HiddenHtmlText } from './signals/hidden-html.js';
import { findHiddenText } from './signals/hidden-text.js';
import { anchorSearch, type InjectionSignal } from './signals/injection-signal.js';
import { findOverridePhrases, OVERRIDE_ANCHORS } from './signals/override-phrases.js';
import { findRoleMarkers, ROLE_ANCHORS } from './signals/role-markers.js';

const ANCHORS = anchorSearch([...OVERRIDE_ANCHORS, ...ROLE_ANCHORS, ...NAME_ANCHORS]);

/** The anchors of both rule families in a folded text still as code units (see `collectSignals`'s `present`). */
export function anchorsInFolded(codes: Uint16Array, length: number): Set<string> {
  return ANCHORS.presentInCodes(codes, length);
}

/** Logit of a text read by the learned model; absent for the rules-only baseline. */
export type ModelLogit = (text: string) => number;

export interface CollectedSignals {
  signals: InjectionSignal[];
  /** Highest model logit among the texts that were hidden or encoded (-Infinity when none). */
  hiddenLogit: number;
}

/** A decoded or hidden text counts when it reads as instructions: by its own signals, or by the model. */
function readsAsInstructions(text: string, modelLogit: ModelLogit | undefined, threshold: number): { hit: boolean; logit: number } {
  const rules = findOverridePhrases(text).length > 0 || findRoleMarkers(text).length > 0 || findAddressedToModel(text).length > 0;
  const logit = modelLogit === undefined ? Number.NEGATIVE_INFINITY : modelLogit(text);
  return { hit: rules || 1 / (1 + Math.exp(-logit)) >= threshold, logit };
}

/**
 * Every rule-based signal of a text (offsets into it; for `hidden_markup`, into the HTML source the
 * hidden parts came from): hidden characters (and what Unicode tag characters spell),
 * chat-template tokens and role lines, override phrases, encoded payloads that decode to
 * instructions, and (for HTML documents) the hidden parts the loader passes in `hidden`.
 * Decoded and hidden texts are read by `modelLogit` when given; without it (the rules-only
 * baseline) only their own phrases and markers count. `folded`: `normalizeForModel(text)` when the
 * caller already has it (the scanner does).
 */
export function collectSignals(
  text: string,
  options: {
    modelLogit?: ModelLogit;
    threshold: number;
    hidden?: readonly HiddenHtmlText[];
    decodeLimits?: DecodeLimits;
    folded?: string;
    /** `anchorsInFolded` of the folded text, when the caller has it still as code units (the scanner does): `folded` is then not needed. */
    present?: ReadonlySet<string> | undefined;
    /** False when the caller knows the text has no run of 24+ base64 characters (normalize-text.ts): the payload search is skipped. */
    mayHoldEncoded?: boolean;
  },
): CollectedSignals {
  const hiddenText = findHiddenText(text);
  // One search for the anchors of both rule families: most texts then skip most patterns.
  const present = options.present ?? ANCHORS.present(options.folded ?? normalizeForModel(text));
  const signals: InjectionSignal[] = [
    ...hiddenText.signals,
    ...findRoleMarkers(text, present),
    ...findOverridePhrases(text, present),
    ...findAddressedToModel(text, present),
  ];
  let hiddenLogit = Number.NEGATIVE_INFINITY;
  if (hiddenText.tagText !== '' && options.modelLogit !== undefined) hiddenLogit = options.modelLogit(hiddenText.tagText);
  const payloads = options.mayHoldEncoded === false ? [] : findEncodedPayloads(text, options.decodeLimits ?? DEFAULT_DECODE_LIMITS);
  for (const payload of payloads) {
    const read = readsAsInstructions(payload.text, options.modelLogit, options.threshold);
    if (!read.hit) continue;
    hiddenLogit = Math.max(hiddenLogit, read.logit);
    signals.push({ kind: 'encoded_payload', detail: `${payload.encoding} that decodes to instructions`, count: 1, start: payload.start, end: payload.end });
  }
  for (const part of options.hidden ?? []) {
    const read = readsAsInstructions(part.text, options.modelLogit, options.threshold);
    if (!read.hit) continue;
    hiddenLogit = Math.max(hiddenLogit, read.logit);
    signals.push({ kind: 'hidden_markup', detail: `instructions in hidden markup (${part.how})`, count: 1, start: part.start, end: part.end });
  }
  return { signals, hiddenLogit };
}
