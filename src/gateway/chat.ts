import { FlambeauError } from '../errors/index.js';
import type { CatalogEntry, ModelCatalog } from '../models/model-catalog.js';
import { policyDeniedError, type Findings, type PlaceholderVault, type PrivacyAction, type PrivacyGuard } from '../privacy/index.js';
import type { ChatEvent, ChatRequest, ChatResult, Locality } from '../providers/spec.js';
import { completeUsage, resultChars } from './usage-estimate.js';

/** Which model actually answers: reported in response headers and the request log. */
export interface ChatTarget {
  name: string;
  provider: string;
  model: string;
  locality: Locality;
}

export interface ChatCall {
  requestId: string;
  /** The request as the client sent it; `model` is the client-facing name. */
  request: ChatRequest;
  signal: AbortSignal;
}

export interface ChatDeps {
  catalog: ModelCatalog;
  privacy: PrivacyGuard;
}

/** A chat ready to send: the target chosen and the privacy policy applied. Facts only, no text, are safe to log. */
export interface ChatPlan {
  entry: CatalogEntry;
  target: ChatTarget;
  /** What goes upstream: pseudonymised or redacted when the policy says so. */
  request: ChatRequest;
  privacy: { action: PrivacyAction; findings: Findings; vault: PlaceholderVault };
}

/** Told the target and the privacy facts as soon as they are known, refused or not (for the request log). */
export type PlanObserver = (target: ChatTarget, privacy: { action: PrivacyAction; findings: Findings }) => void;

/**
 * Resolves the model (404 before any work) and applies the privacy policy of its locality:
 * `block` throws `policy_denied`; `pseudonymize` rewrites the request and keeps the vault to
 * restore the answer. The request story: resolve → privacy → call → restore.
 */
export function planChat(call: ChatCall, deps: ChatDeps, observe: PlanObserver = () => {}): ChatPlan {
  const entry = deps.catalog.get(call.request.model);
  const target: ChatTarget = { name: entry.name, provider: entry.provider.id, model: entry.chat.model, locality: entry.locality };
  const action = deps.privacy.actionFor(entry.locality);
  const prepared = deps.privacy.prepareChat(call.request, action);
  observe(target, { action, findings: prepared.findings });
  if (!prepared.allowed) throw policyDeniedError(prepared.verdict);
  const request: ChatRequest = { ...prepared.request, model: entry.chat.model };
  if (request.maxTokens === undefined && entry.config.maxTokens !== undefined) request.maxTokens = entry.config.maxTokens;
  return { entry, target, request, privacy: { action: prepared.action, findings: prepared.findings, vault: prepared.vault } };
}

export async function completeChat(plan: ChatPlan, signal: AbortSignal, deps: ChatDeps): Promise<ChatResult> {
  const result = await plan.entry.chat.generate(plan.request, signal);
  const restored = plan.privacy.vault.size === 0 ? result : deps.privacy.restoreResult(result, plan.privacy.vault);
  return { ...restored, usage: completeUsage(result.usage, plan.request, () => resultChars(result)) };
}

/**
 * Opens the upstream stream and waits for its first event, so that a failing upstream still gets
 * a real HTTP status; the caller sends headers only after this resolves.
 */
export async function openChatStream(plan: ChatPlan, signal: AbortSignal, deps: ChatDeps): Promise<{ first: ChatEvent; rest: AsyncIterator<ChatEvent> }> {
  let events: AsyncIterable<ChatEvent> = withUsage(plan.entry.chat.stream(plan.request, signal), plan.request);
  if (plan.privacy.vault.size > 0) events = deps.privacy.restoreStream(events, plan.privacy.vault);
  const iterator = events[Symbol.asyncIterator]();
  const first = await iterator.next();
  if (first.done === true) {
    throw new FlambeauError('upstream_failed', `${plan.entry.provider.id} ended the stream before it started.`, { details: { provider: plan.entry.provider.id } });
  }
  return { first: first.value, rest: iterator };
}

async function* withUsage(events: AsyncIterable<ChatEvent>, request: ChatRequest): AsyncGenerator<ChatEvent> {
  let outputChars = 0;
  for await (const event of events) {
    if (event.type === 'text-delta') outputChars += event.text.length;
    else if (event.type === 'tool-call-delta') outputChars += (event.name?.length ?? 0) + event.argsDelta.length;
    else if (event.type === 'stream-end') {
      yield { ...event, usage: completeUsage(event.usage, request, () => outputChars) };
      continue;
    }
    yield event;
  }
}
