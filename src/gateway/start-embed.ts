import { FlambeauError } from '../errors/index.js';
import { policyDeniedError } from '../privacy/index.js';
import type { EmbedResult } from '../providers/spec.js';
import type { GatewayDeps } from './gateway-deps.js';
import { setTarget, type GatewayRequest } from './request.js';
import { admit } from './stages/admit.js';
import { holdEmbed, priceOfEntry } from './stages/hold.js';
import { scope } from './stages/scope.js';
import { settle } from './stages/settle.js';
import { estimateTokens } from './usage-estimate.js';
import { refreshVersionsOnce } from './refresh-versions.js';

/** Embeddings as every inbound protocol hands them to the spine. */
export interface EmbedCall {
  request: GatewayRequest;
  model: string;
  input: string[];
  dimensions?: number;
  user?: string;
  signal: AbortSignal;
}

/**
 * The request story of embeddings, in the order of the chat spine (nothing to retrieve; the route
 * is the named model): scope, admit, inspect under the target's policy, hold, attempt, settle.
 * Inputs and `user` to a cloud model are pseudonymised (vectors carry no placeholder to restore)
 * or refused, as for chat.
 */
export async function startEmbed(call: EmbedCall, deps: GatewayDeps): Promise<{ model: string; result: EmbedResult }> {
  const { request } = call;
  const { outcome } = request;
  outcome.model = call.model;
  scope(request, { endpoint: 'embeddings', model: call.model });
  let estimate = 0;
  for (const text of call.input) estimate += estimateTokens(text);
  await admit(request, estimate, deps);
  await refreshVersionsOnce(deps.catalog);
  const entry = deps.catalog.get(call.model);
  const model = entry.embedding;
  if (model === undefined) throw new FlambeauError('unsupported_parameter', `The model \`${call.model}\` does not provide embeddings.`, { param: 'model' });
  const skip = deps.router.skipReason(entry.name);
  if (skip !== null)
    throw new FlambeauError('no_target_available', `The model \`${entry.name}\` cannot be used now: ${skip}.`, {
      details: { reasons: [{ model: entry.name, reason: skip }] },
    });
  setTarget(request, { name: entry.name, provider: entry.provider.id, model: model.model, locality: entry.locality, price: priceOfEntry(entry) });
  const action = deps.privacy.actionFor(entry.locality);
  const prepared = await deps.privacy.prepareEmbed(call.input, action, call.user);
  outcome.privacy = { action, findings: prepared.findings };
  if (!prepared.allowed) throw policyDeniedError(prepared.verdict);
  await holdEmbed(request, entry.name, call.input, prepared.findings, deps);
  const embedded = await model.embed(
    {
      model: model.model,
      input: prepared.inputs,
      ...(call.dimensions === undefined ? {} : { dimensions: call.dimensions }),
      ...(prepared.user === undefined ? {} : { user: prepared.user }),
    },
    call.signal,
  );
  const result = embedded.usage.inputTokens !== null ? embedded : { ...embedded, usage: { inputTokens: estimate, outputTokens: 0, estimated: true } };
  outcome.usage = result.usage;
  outcome.status = 200;
  await settle(request, deps);
  return { model: entry.name, result };
}
