import { RecentMemo, textKey } from '../memo/recent-memo.js';
import { anchorsInFolded, collectSignals } from './collect-signals.js';
import { createFeaturizer, quantizeWeights, type Featurizer, type QuantizedWeights } from './featurize-window.js';
import type { InjectionSource } from './injection-sources.js';
import { sigmoid, tableOf, type InjectionModel } from './injection-model.js';
import { foldForModel } from './normalize-text.js';
import type { DecodeLimits } from './signals/encoded-payloads.js';
import type { HiddenHtmlText } from './signals/hidden-html.js';
import { SIGNAL_LOGIT, type InjectionSignal, type SignalKind } from './signals/injection-signal.js';
import { loadInjectionModel } from './load-injection-model.js';
import { planWindows } from './text-windows.js';

/** What a scan says about one text. Carries offsets and marker names, never the text itself. */
export interface InjectionScan {
  source: InjectionSource;
  flagged: boolean;
  /** 0..1; flagged when `score >= threshold`. */
  score: number;
  signals: InjectionSignal[];
  /** Share of the text the model read (1 unless the text exceeded `maxWindows` windows). */
  coverage: number;
}

export interface InjectionScanner {
  /** Scans `text` as coming from `source` (default `user`). `hidden`: an HTML document's hidden parts (see findHiddenHtml). */
  scan(text: string, source?: InjectionSource, options?: { hidden?: readonly HiddenHtmlText[] }): InjectionScan;
  /** Loads the model now (~50 ms) rather than in the first scan: a server that scans requests does it at start. */
  preload(): void;
  readonly threshold: number;
}

export interface ScannerOptions {
  /** Called once, on the first scan (the weights take ~50 ms to decode; a gateway that never scans never pays). */
  loadModel: () => InjectionModel;
  /** 0..1, from the config's `injection.threshold`. */
  threshold: number;
  /** Windows read per text before they are spread out (default 4096: about 800 KB of text). */
  maxWindows?: number;
  decodeLimits?: DecodeLimits;
  /** Scans remembered by text and source, at most (default 4096, a third per source, at least two per source; 0: none). See `createInjectionScanner`. */
  memoEntries?: number;
}

/** Texts longer than this are not remembered (the memo is for prompts resent each turn, not documents). */
const MEMO_MAX_CHARS = 64 * 1024;

/**
 * The detector: the learned model's highest window logit (and that of any hidden or encoded text),
 * plus a fixed logit per kind of signal present, weighed by source (`SIGNAL_LOGIT`), through a
 * sigmoid. One scanner per process; not safe to share across worker threads.
 *
 * A scan is a pure function of the text and its source, so the scans of texts seen again (a chat
 * client resends its system prompt and the whole conversation every turn) are remembered, most
 * those used lately kept: keyed by source and the text's SHA-256 (the text itself is not kept), the
 * result frozen (callers only read it). Not for texts with `hidden` parts, nor over 64 KB.
 */
export function createInjectionScanner(options: ScannerOptions): InjectionScanner {
  type Table = { bias: number; weights: QuantizedWeights };
  let loaded: { model: InjectionModel; featurizer: Featurizer; tables: Record<InjectionSource, Table> } | null = null;
  const use = () => {
    if (loaded === null) {
      const model = options.loadModel();
      // Sources without a table of their own share the model's (quantised once).
      const shared: Table = { bias: model.bias, weights: quantizeWeights(model.weights) };
      const own = (source: InjectionSource): Table => {
        const t = tableOf(model, source);
        return t === model ? shared : { bias: t.bias, weights: quantizeWeights(t.weights) };
      };
      loaded = { model, featurizer: createFeaturizer(model.featurizer), tables: { user: own('user'), document: own('document'), tool: own('tool') } };
    }
    return loaded;
  };
  const maxWindows = options.maxWindows ?? 4096;
  const memoEntries = options.memoEntries ?? 4096;
  // One memo per source (no key concatenation), each a third of the room (at least two scans).
  const perSource = 2 * Math.max(1, Math.floor(memoEntries / 6));
  const memo: Record<InjectionSource, RecentMemo<InjectionScan>> = {
    user: new RecentMemo({ maxEntries: perSource }),
    document: new RecentMemo({ maxEntries: perSource }),
    tool: new RecentMemo({ maxEntries: perSource }),
  };
  const keyOf = (text: string): string | null => (memoEntries > 0 && text.length <= MEMO_MAX_CHARS ? textKey(text) : null);
  // `anchors`: read from the folded code units before the next fold overwrites them (they are a
  // scratch buffer); the folded string itself is never built.
  const textLogit = (
    text: string,
    source: InjectionSource,
    anchors = false,
  ): { logit: number; coverage: number; present: ReadonlySet<string> | undefined; longBase64Run: boolean } => {
    const { model, featurizer, tables } = use();
    const { weights, bias } = tables[source];
    const folded = foldForModel(text);
    const plan = planWindows(folded.length, model.featurizer.windowChars, model.featurizer.strideChars, maxWindows);
    // The whole text is hashed in one pass either way (linear, a few tens of µs per KB); past the
    // window limit only the spread windows are scored, and `coverage` says so.
    const logit = featurizer.maxWindowLogit(folded.codes, folded.length, plan.windows, weights, bias);
    return { logit, coverage: plan.coverage, present: anchors ? anchorsInFolded(folded.codes, folded.length) : undefined, longBase64Run: folded.longBase64Run };
  };
  return {
    threshold: options.threshold,
    preload() {
      use();
    },
    scan(text, source = 'user', scanOptions = {}) {
      const key = scanOptions.hidden === undefined ? keyOf(text) : null;
      if (key === null) return scanText(text, source, scanOptions);
      const known = memo[source].get(key);
      if (known !== undefined) return known;
      const scanned = scanText(text, source, scanOptions);
      // Frozen where they are (this scan's own objects), not copied.
      for (const signal of scanned.signals) Object.freeze(signal);
      Object.freeze(scanned.signals);
      const kept = Object.freeze(scanned);
      memo[source].set(key, kept);
      return kept;
    },
  };

  function scanText(text: string, source: InjectionSource, scanOptions: { hidden?: readonly HiddenHtmlText[] }): InjectionScan {
    const read = textLogit(text, source, true);
    const collected = collectSignals(text, {
      present: read.present,
      mayHoldEncoded: read.longBase64Run,
      modelLogit: (t) => textLogit(t, source).logit,
      threshold: options.threshold,
      ...(scanOptions.hidden === undefined ? {} : { hidden: scanOptions.hidden }),
      ...(options.decodeLimits === undefined ? {} : { decodeLimits: options.decodeLimits }),
    });
    let boost = 0;
    // Most texts have no signal: no set of kinds to build.
    if (collected.signals.length > 0) for (const kind of new Set<SignalKind>(collected.signals.map((s) => s.kind))) boost += SIGNAL_LOGIT[kind][source];
    const score = sigmoid(Math.max(read.logit, collected.hiddenLogit) + boost + use().model.sourceBias[source]);
    return { source, flagged: score >= options.threshold, score, signals: collected.signals, coverage: read.coverage };
  }
}

/** The scanner the gateway and the CLI use: the shipped weights (loaded on first use) and the configured threshold. */
export function createShippedInjectionScanner(config: { threshold: number }): InjectionScanner {
  return createInjectionScanner({ loadModel: () => loadInjectionModel(), threshold: config.threshold });
}
