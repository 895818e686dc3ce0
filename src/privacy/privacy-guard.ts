import type { ChatEvent, ChatRequest, ChatResult, Locality, Warning } from '../providers/spec.js';
import { egressFindings, inspectEgress, type EgressInspection } from './egress-inspect.js';
import { planEgress, rewriteEgress } from './egress-rewrite.js';
import { runPaced, runSync } from './paced-scan.js';
import type { DetectorFailure, Findings, PrivacyAction, ScanResult } from './pii-types.js';
import { actionFor, decide, type DeniedVerdict } from './policy.js';
import type { PrivacyConfig } from './privacy-config.js';
import { inspectTexts, rewriteText, rewriteTexts } from './pseudonymize.js';
import { restoreChatResult, restoreChatStream } from './restore-stream.js';
import { createScanner, type ScannerOptions } from './scanner.js';
import { ScanMemo } from './scan-memo.js';
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
  | {
      allowed: true;
      action: PrivacyAction;
      request: PrivacyCheckedRequest;
      findings: Findings;
      failures: DetectorFailure[];
      vault: PlaceholderVault;
      /** Request fields left out for this target (passthrough fields not listed for it). */
      warnings: Warning[];
    }
  | { allowed: false; verdict: DeniedVerdict; findings: Findings; failures: DetectorFailure[] };

export type PreparedEmbed =
  | { allowed: true; action: PrivacyAction; inputs: string[]; user?: string; findings: Findings; failures: DetectorFailure[]; vault: PlaceholderVault }
  | { allowed: false; verdict: DeniedVerdict; findings: Findings; failures: DetectorFailure[] };

/** Findings of a chat request, for the router; pass it back to `prepareChat` to avoid a second scan. */
export interface ChatInspection {
  readonly findings: Findings;
  readonly failures: DetectorFailure[];
  /** @internal the request it was made from: a different request is scanned again. */
  readonly request: ChatRequest;
  /** @internal */
  readonly egress: EgressInspection;
}

export interface PrivacyGuard {
  readonly config: PrivacyConfig;
  /** Non-overlapping spans, sorted; detector failures reported, not thrown. */
  scanText(text: string): ScanResult;
  /** The configured action for a locality. */
  actionFor(locality: Locality): PrivacyAction;
  /**
   * Scans every string of the request a provider would receive, once: findings (types, counts)
   * for the router and the log. Lets the event loop run every few ms of scanning.
   */
  inspectChat(request: ChatRequest): Promise<ChatInspection>;
  /**
   * Applies the policy for `target`: refuses, or returns the request to send (rewritten as
   * needed) and its vault. Without a matching inspection the request is scanned here, at once.
   */
  prepareChat(request: ChatRequest, target: PrivacyTarget, inspection?: ChatInspection): PreparedChat;
  /** Same for embedding inputs and the `user` field (nothing to restore: vectors carry no placeholders). */
  prepareEmbed(inputs: string[], target: PrivacyTarget, user?: string): Promise<PreparedEmbed>;
  /** Puts the values back into a whole answer (text and tool-call arguments). */
  restoreResult(result: ChatResult, vault: PlaceholderVault): ChatResult;
  /** Puts the values back into a stream, across any chunk boundaries. */
  restoreStream(events: AsyncIterable<ChatEvent>, vault: PlaceholderVault): AsyncIterable<ChatEvent>;
}

const LOCALITIES = new Set<string>(['device', 'lan', 'cloud']);

/** The privacy guard for one config: build once at start-up, use per request (it keeps no request state). */
export function createPrivacyGuard(config: PrivacyConfig, options: ScannerOptions = {}): PrivacyGuard {
  const scanner = createScanner(config, options);
  // Texts a client sends again (its system prompt, the conversation so far) are scanned once.
  const memo = new ScanMemo();
  const resolve = (target: PrivacyTarget): PrivacyAction => (LOCALITIES.has(target) ? actionFor(config, target as Locality) : (target as PrivacyAction));

  const inspection = (request: ChatRequest, egress: EgressInspection): ChatInspection => ({
    findings: egressFindings(egress),
    failures: egress.failures,
    request,
    egress,
  });

  return {
    config,
    scanText: (text) => scanner.scan(text),
    actionFor: (locality) => actionFor(config, locality),
    inspectChat: async (request) => inspection(request, await runPaced(inspectEgress(request, scanner, memo))),
    prepareChat(request, target, given) {
      const action = resolve(target);
      const seen = given !== undefined && given.request === request ? given : inspection(request, runSync(inspectEgress(request, scanner, memo)));
      const { failures } = seen;
      const plan = planEgress(seen.egress, request, action, config);
      const findings = seen.findings;
      const verdict = decide(action, plan.findings, failures, config.on_detector_error);
      if (!verdict.allowed || plan.refusals.length > 0) {
        const reasons = [...(verdict.allowed ? [] : verdict.reasons), ...plan.refusals];
        const types = [...new Set([...(verdict.allowed ? [] : verdict.types), ...plan.refusedTypes])].sort();
        return { allowed: false, verdict: { allowed: false, reasons, types }, findings, failures };
      }
      const vault = new PlaceholderVault();
      vault.contentIsJson = request.responseFormat !== undefined && request.responseFormat.type !== 'text';
      const rewritten = action === 'pseudonymize' || action === 'redact' ? rewriteEgress(request, seen.egress, plan, scanner.types, vault, action) : request;
      return { allowed: true, action, request: rewritten as PrivacyCheckedRequest, findings, failures, vault, warnings: plan.warnings };
    },
    async prepareEmbed(inputs, target, user) {
      const action = resolve(target);
      const all = user === undefined ? inputs : [...inputs, user];
      const texts = await runPaced(inspectTexts(all, scanner));
      const { findings, failures } = texts;
      const verdict = decide(action, findings, failures, config.on_detector_error);
      if (!verdict.allowed) return { allowed: false, verdict, findings, failures };
      const vault = new PlaceholderVault();
      if (action !== 'pseudonymize' && action !== 'redact')
        return { allowed: true, action, inputs: [...inputs], ...(user === undefined ? {} : { user }), findings, failures, vault };
      const out = rewriteTexts(inputs, { ...texts, scans: texts.scans.slice(0, inputs.length) }, scanner.types, vault, action);
      const scannedUser = user === undefined ? undefined : rewriteText(user, texts.scans[inputs.length]?.spans ?? [], vault, action);
      return { allowed: true, action, inputs: out, ...(scannedUser === undefined ? {} : { user: scannedUser }), findings, failures, vault };
    },
    restoreResult: restoreChatResult,
    restoreStream: restoreChatStream,
  };
}
