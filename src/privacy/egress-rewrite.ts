import type { ChatRequest, Warning } from '../providers/spec.js';
import { egressFindings, type EgressInspection, type EgressSpan, type InspectedString } from './egress-inspect.js';
import { mapEgressStrings } from './egress-strings.js';
import type { Findings, PrivacyAction } from './pii-types.js';
import { reserveLiterals, type RewriteAction } from './pseudonymize.js';
import type { PrivacyConfig } from './privacy-config.js';
import type { PlaceholderVault } from './vault.js';

/** What the guard will do with a request for one action, before any rewriting. Safe to log: paths and types, no values. */
export interface EgressPlan {
  /** Findings in what will be sent (dropped passthrough fields left out). */
  findings: Findings;
  /** Reasons to refuse: personal data where it cannot be replaced, images that cannot be read. */
  refusals: string[];
  /** Types behind the refusals. */
  refusedTypes: string[];
  /** Passthrough fields that will not be sent. */
  dropped: string[];
  warnings: Warning[];
}

/**
 * Decides, per string, what an action other than `allow` needs: unlisted passthrough fields are
 * dropped (with a warning); personal data in a tool or schema name or in an image URL, and an
 * image that cannot be scanned, are refusals naming the field.
 */
export function planEgress(
  inspection: EgressInspection,
  request: ChatRequest,
  action: PrivacyAction,
  config: Pick<PrivacyConfig, 'passthrough_fields' | 'unscanned_images'>,
): EgressPlan {
  if (action === 'allow') return { findings: egressFindings(inspection), refusals: [], refusedTypes: [], dropped: [], warnings: [] };
  const listed = new Set(config.passthrough_fields);
  const dropped = Object.keys(request.passthrough ?? {}).filter((key) => !listed.has(key));
  const droppedSet = new Set(dropped);
  const isDropped = (item: InspectedString): boolean => item.passthrough !== undefined && droppedSet.has(item.passthrough);
  const refusals: string[] = [];
  const refusedTypes = new Set<string>();
  for (const item of inspection.strings) {
    if (isDropped(item)) continue;
    if (item.unscannable === true && config.unscanned_images !== 'forward') {
      refusals.push(`${item.path} is an image the privacy guard cannot read (privacy.unscanned_images: refuse)`);
    }
    if ((item.kind === 'name' || item.kind === 'url') && item.spans.length > 0) {
      const types = [...new Set(item.spans.map((s) => s.type))].sort();
      for (const t of types) refusedTypes.add(t);
      refusals.push(`personal data (${types.join(', ')}) in ${item.path}, where it cannot be replaced`);
    }
  }
  const warnings: Warning[] = dropped.map((key) => ({
    kind: 'unsupported',
    setting: key,
    detail: `Not forwarded to a model whose privacy action is ${action}: not listed in privacy.passthrough_fields.`,
  }));
  return { findings: egressFindings(inspection, isDropped), refusals, refusedTypes: [...refusedTypes], dropped, warnings };
}

/**
 * The request to send: every inspected string rewritten for `action` (see egress-strings.ts for
 * what each kind becomes), dropped passthrough fields removed.
 */
export function rewriteEgress(
  request: ChatRequest,
  inspection: EgressInspection,
  plan: EgressPlan,
  scannerTypes: readonly string[],
  vault: PlaceholderVault,
  action: RewriteAction,
): ChatRequest {
  // Nothing found and nothing dropped: every string would come back as it is, and with no
  // placeholder made the literals reserved below could not matter (they only steer numbering).
  if (plan.dropped.length === 0 && inspection.strings.every((s) => s.spans.length === 0)) return request;
  if (action === 'pseudonymize')
    reserveLiterals(
      inspection.strings.filter((s) => s.kind === 'text').map((s) => s.text),
      scannerTypes,
      vault,
    );
  const refs = new Map<string, string>();
  let k = 0;
  const out = mapEgressStrings(request, (text) => {
    const item = inspection.strings[k++];
    if (item === undefined || item.text !== text || item.spans.length === 0) return text;
    switch (item.kind) {
      case 'text':
        return rewriteSpans(text, item.spans, (span, value) => (action === 'redact' ? `<${span.type}>` : vault.placeholderFor(span.type, value)));
      case 'label':
        return rewriteSpans(text, item.spans, (span, value) => (action === 'redact' ? span.type : vault.keyFor(span.type, value)));
      case 'ref': {
        let id = refs.get(text);
        if (id === undefined) refs.set(text, (id = `call_ref_${refs.size + 1}`));
        return id;
      }
      case 'name':
      case 'url':
        return text; // refused by planEgress when it holds anything
    }
  });
  if (plan.dropped.length > 0 && out.passthrough !== undefined) {
    const kept = Object.fromEntries(Object.entries(out.passthrough).filter(([key]) => !plan.dropped.includes(key)));
    if (Object.keys(kept).length > 0) out.passthrough = kept;
    else delete out.passthrough;
  }
  return out;
}

/** Replaces each span by `replace(span, value)`; a continuation piece of a split value is removed. */
export function rewriteSpans(text: string, spans: readonly EgressSpan[], replace: (span: EgressSpan, value: string) => string): string {
  if (spans.length === 0) return text;
  const out: string[] = [];
  let at = 0;
  for (const span of spans) {
    out.push(text.slice(at, span.start));
    if (span.continuation !== true) out.push(replace(span, span.value ?? text.slice(span.start, span.end)));
    at = span.end;
  }
  out.push(text.slice(at));
  return out.join('');
}
