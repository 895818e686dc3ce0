import type { ChatEvent, ChatRequest, ChatResult, Locality } from '../providers/spec.js';
import type { DetectorFailure, Findings, PrivacyAction, ScanResult } from './pii-types.js';
import { actionFor, decide, type DeniedVerdict } from './policy.js';
import type { PrivacyConfig } from './privacy-config.js';
import { inspectChatTexts, inspectTexts, rewriteChat, rewriteTexts, type TextsInspection } from './pseudonymize.js';
import { restoreChatResult, restoreChatStream } from './restore-stream.js';
import { createScanner, type ScannerOptions } from './scanner.js';
import { PlaceholderVault } from './vault.js';

declare const checked: unique symbol;
/**
 * A request the privacy guard has prepared for its target (rewritten if the policy said so).
 * Only this module makes one: provider calls that need the guarantee can ask for this type.
 */
export type PrivacyCheckedRequest = ChatRequest & { readonly [checked]: true };

/** Where the request goes (the action is looked up in the config) or the action itself. */
export type PrivacyTarget = Locality | PrivacyAction;

export type PreparedChat =
  | { allowed: true; action: PrivacyAction; request: PrivacyCheckedRequest; findings: Findings; failures: DetectorFailure[]; vault: PlaceholderVault }
  | { allowed: false; verdict: DeniedVerdict; findings: Findings; failures: DetectorFailure[] };

export type PreparedEmbed =
  | { allowed: true; action: PrivacyAction; inputs: string[]; findings: Findings; failures: DetectorFailure[]; vault: PlaceholderVault }
  | { allowed: false; verdict: DeniedVerdict; findings: Findings; failures: DetectorFailure[] };

/** Findings of a chat request, for the router; pass it back to `prepareChat` to avoid a second scan. */
export interface ChatInspection {
  readonly findings: Findings;
  readonly failures: DetectorFailure[];
  /** @internal the request it was made from: a different request is scanned again. */
  readonly request: ChatRequest;
  /** @internal */
  readonly texts: TextsInspection;
}

export interface PrivacyGuard {
  readonly config: PrivacyConfig;
  /** Non-overlapping spans, sorted; detector failures reported, not thrown. */
  scanText(text: string): ScanResult;
  /** The configured action for a locality. */
  actionFor(locality: Locality): PrivacyAction;
  /** Scans every text of the request once: findings (types, counts) for the router and the log. */
  inspectChat(request: ChatRequest): ChatInspection;
  /** Applies the policy for `target`: refuses, or returns the request to send (rewritten as needed) and its vault. */
  prepareChat(request: ChatRequest, target: PrivacyTarget, inspection?: ChatInspection): PreparedChat;
  /** Same for embedding inputs (nothing to restore: vectors carry no placeholders). */
  prepareEmbed(inputs: string[], target: PrivacyTarget): PreparedEmbed;
  /** Puts the values back into a whole answer (text and tool-call arguments). */
  restoreResult(result: ChatResult, vault: PlaceholderVault): ChatResult;
  /** Puts the values back into a stream, across any chunk boundaries. */
  restoreStream(events: AsyncIterable<ChatEvent>, vault: PlaceholderVault): AsyncIterable<ChatEvent>;
}

const LOCALITIES = new Set<string>(['device', 'lan', 'cloud']);

/** The privacy guard for one config: build once at start-up, use per request (it keeps no request state). */
export function createPrivacyGuard(config: PrivacyConfig, options: ScannerOptions = {}): PrivacyGuard {
  const scanner = createScanner(config, options);
  const resolve = (target: PrivacyTarget): PrivacyAction =>
    LOCALITIES.has(target) ? actionFor(config, target as Locality) : (target as PrivacyAction);

  function inspectChat(request: ChatRequest): ChatInspection {
    const texts = inspectChatTexts(request, scanner);
    return { findings: texts.findings, failures: texts.failures, request, texts };
  }

  return {
    config,
    scanText: (text) => scanner.scan(text),
    actionFor: (locality) => actionFor(config, locality),
    inspectChat,
    prepareChat(request, target, inspection) {
      const action = resolve(target);
      const seen = inspection !== undefined && inspection.request === request ? inspection : inspectChat(request);
      const { findings, failures } = seen;
      const verdict = decide(action, findings, failures, config.on_detector_error);
      if (!verdict.allowed) return { allowed: false, verdict, findings, failures };
      const vault = new PlaceholderVault();
      vault.contentIsJson = request.responseFormat !== undefined && request.responseFormat.type !== 'text';
      const rewritten = action === 'pseudonymize' || action === 'redact'
        ? rewriteChat(request, seen.texts, scanner.types, vault, action)
        : request;
      return { allowed: true, action, request: rewritten as PrivacyCheckedRequest, findings, failures, vault };
    },
    prepareEmbed(inputs, target) {
      const action = resolve(target);
      const texts = inspectTexts(inputs, scanner);
      const { findings, failures } = texts;
      const verdict = decide(action, findings, failures, config.on_detector_error);
      if (!verdict.allowed) return { allowed: false, verdict, findings, failures };
      const vault = new PlaceholderVault();
      const out = action === 'pseudonymize' || action === 'redact' ? rewriteTexts(inputs, texts, scanner.types, vault, action) : [...inputs];
      return { allowed: true, action, inputs: out, findings, failures, vault };
    },
    restoreResult: restoreChatResult,
    restoreStream: restoreChatStream,
  };
}
