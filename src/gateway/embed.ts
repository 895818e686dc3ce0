import { FlambeauError } from '../errors/index.js';
import type { CatalogEntry, ModelCatalog } from '../models/model-catalog.js';
import { policyDeniedError, type Findings, type PrivacyAction, type PrivacyGuard } from '../privacy/index.js';
import type { EmbedResult } from '../providers/spec.js';
import { estimateTokens } from './usage-estimate.js';

export interface EmbedCall {
  requestId: string;
  model: string;
  input: string[];
  dimensions?: number;
  user?: string;
  signal: AbortSignal;
}

export function resolveEmbeddingTarget(call: EmbedCall, catalog: ModelCatalog): CatalogEntry {
  const entry = catalog.get(call.model);
  if (entry.embedding === undefined) {
    throw new FlambeauError('unsupported_parameter', `The model \`${call.model}\` does not provide embeddings.`, { param: 'model' });
  }
  return entry;
}

/**
 * Embeds under the privacy policy of the model's locality: inputs and `user` to a cloud model are
 * pseudonymised (vectors carry no placeholder to restore) or refused, as for chat. `observe` runs
 * once the privacy facts are known and before anything is sent: it may throw (the budget hold).
 */
export async function embed(
  call: EmbedCall,
  entry: CatalogEntry,
  privacy: PrivacyGuard,
  observe: (facts: { action: PrivacyAction; findings: Findings }) => void = () => {},
): Promise<EmbedResult> {
  const model = entry.embedding;
  if (model === undefined) throw new FlambeauError('unsupported_parameter', `The model \`${call.model}\` does not provide embeddings.`, { param: 'model' });
  const action = privacy.actionFor(entry.locality);
  const prepared = await privacy.prepareEmbed(call.input, action, call.user);
  observe({ action, findings: prepared.findings });
  if (!prepared.allowed) throw policyDeniedError(prepared.verdict);
  const result = await model.embed(
    { model: model.model, input: prepared.inputs, ...(call.dimensions === undefined ? {} : { dimensions: call.dimensions }), ...(prepared.user === undefined ? {} : { user: prepared.user }) },
    call.signal,
  );
  if (result.usage.inputTokens !== null) return result;
  let tokens = 0;
  for (const text of call.input) tokens += estimateTokens(text);
  return { ...result, usage: { inputTokens: tokens, outputTokens: 0, estimated: true } };
}
