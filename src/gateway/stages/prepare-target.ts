import type { CatalogEntry } from '../../models/model-catalog.js';
import type { DeniedVerdict, PlaceholderVault, PrivacyAction } from '../../privacy/index.js';
import type { ChatRequest, Warning } from '../../providers/spec.js';
import type { GatewayDeps } from '../gateway-deps.js';
import type { ChatTarget } from '../request.js';
import { priceOfEntry } from './hold.js';
import type { RoutedChat } from './route.js';

/** One candidate made ready to send under its locality's privacy policy. */
export interface PreparedTarget {
  entry: CatalogEntry;
  target: ChatTarget;
  request: ChatRequest;
  action: PrivacyAction;
  vault: PlaceholderVault;
  /** Request fields the privacy guard left out for this target; reported with the provider's own. */
  warnings: Warning[];
}

/** Applies the privacy policy of the target's locality: the request to send and the vault to restore it. */
export function prepareTarget(
  routed: RoutedChat,
  model: string,
  deps: Pick<GatewayDeps, 'catalog' | 'privacy'>,
  actionOverride?: PrivacyAction,
): PreparedTarget | DeniedVerdict {
  const entry = deps.catalog.get(model);
  const action = actionOverride ?? deps.privacy.actionFor(entry.locality);
  const prepared = deps.privacy.prepareChat(routed.request, action, routed.inspection);
  if (!prepared.allowed) return prepared.verdict;
  const request: ChatRequest = { ...prepared.request, model: entry.chat.model };
  if (request.maxTokens === undefined && entry.config.maxTokens !== undefined) request.maxTokens = entry.config.maxTokens;
  return {
    entry,
    target: { name: entry.name, provider: entry.provider.id, model: entry.chat.model, locality: entry.locality, price: priceOfEntry(entry) },
    request,
    action: prepared.action,
    vault: prepared.vault,
    warnings: prepared.warnings,
  };
}
