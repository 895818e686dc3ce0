import { FlambeauError } from '../errors/index.js';
import type { InjectionAction, InjectionConfig } from './injection-config.js';
import type { InjectionSource } from './injection-sources.js';
import type { InjectionScan } from './scan-injection.js';
import type { SignalKind } from './signals/injection-signal.js';

/**
 * What a decision needs of a scan. A scan is one; so is a chunk's score stored at ingest, which
 * keeps its signals' kinds only (the spine does not rescan retrieved chunks).
 */
export type ScoredText = Pick<InjectionScan, 'source' | 'flagged' | 'score'> & { signals: readonly { kind: SignalKind }[] };

/**
 * What the request spine does with one scanned text:
 * - `pass`: use it as it is (nothing flagged, or the action is `allow`);
 * - `flag`: use it as it is, and report the finding (header, audit, request log, router fact);
 * - `spotlight`: use it only through `spotlight()` (reported too when `scan.flagged`);
 * - `drop`: leave it out of the context and list it with the reason;
 * - `block`: refuse the whole request with `injectionRefusal(scan)`.
 */
export type InjectionVerdict = 'pass' | 'flag' | 'spotlight' | 'drop' | 'block';

/** The configured action for a source. */
export function actionFor(config: InjectionConfig, source: InjectionSource): InjectionAction {
  return source === 'user' ? config.user : source === 'document' ? config.documents : config.tools;
}

/**
 * The verdict for one scan. `spotlight` applies to every text of its source, flagged or not
 * (an injection the detector misses is still fenced off); the other actions touch flagged texts only.
 */
export function decideInjection(scan: ScoredText, config: InjectionConfig): InjectionVerdict {
  const action = actionFor(config, scan.source);
  if (action === 'spotlight') return 'spotlight';
  if (!scan.flagged || action === 'allow') return 'pass';
  return action;
}

/** Should this scan be reported (header, audit, log, router fact)? Flagged ones are, whatever the action but `allow`. */
export function isReported(scan: ScoredText, config: InjectionConfig): boolean {
  return scan.flagged && actionFor(config, scan.source) !== 'allow';
}

/**
 * The `x-flambeau-injection` header value for the reported scans: `source=user;score=0.93`, several
 * joined by `, ` (highest score per source only). Null when there is nothing to report.
 */
export function injectionHeader(scans: readonly ScoredText[]): string | null {
  const best = new Map<InjectionSource, number>();
  for (const s of scans) if (s.flagged) best.set(s.source, Math.max(best.get(s.source) ?? 0, s.score));
  if (best.size === 0) return null;
  return [...best].map(([source, score]) => `source=${source};score=${score.toFixed(2)}`).join(', ');
}

/** 403 `policy_denied` naming the source and the score, never the text. */
export function injectionRefusal(scan: ScoredText): FlambeauError {
  const score = Number(scan.score.toFixed(2));
  return new FlambeauError(
    'policy_denied',
    `Refused: the ${scan.source === 'user' ? 'user message' : scan.source === 'document' ? 'retrieved document' : 'tool result'} looks like a prompt injection (score ${score.toFixed(2)}).`,
    {
      details: { reason: 'prompt_injection', source: scan.source, score, signals: [...new Set(scan.signals.map((s) => s.kind))] },
    },
  );
}
