export { collectSignals } from './collect-signals.js';
export { injectionConfigSchema, type InjectionAction, type InjectionConfig } from './injection-config.js';
export { actionFor, decideInjection, injectionHeader, injectionRefusal, isReported, type InjectionVerdict, type ScoredText } from './injection-decision.js';
export { INJECTION_SOURCES, type InjectionSource } from './injection-sources.js';
export { loadInjectionModel, SHIPPED_INJECTION_WEIGHTS } from './load-injection-model.js';
export { createInjectionScanner, createShippedInjectionScanner, type InjectionScan, type InjectionScanner, type ScannerOptions } from './scan-injection.js';
export { findHiddenHtml, type HiddenHtmlText } from './signals/hidden-html.js';
export { SIGNAL_KINDS, type InjectionSignal, type SignalKind } from './signals/injection-signal.js';
export { DEFAULT_MARKER, spotlight, spotlightInstruction, type DatamarkPlaces, type SpotlightMode, type SpotlightOptions } from './spotlight.js';
