import { asFlambeauError } from '../errors/index.js';
import type { GatewayDeps } from './gateway-deps.js';
import type { GatewayRequest } from './request.js';

/**
 * Opens the request's server span (`POST /v1/chat/completions`), a child of the client's
 * `traceparent` when it sent a valid one. Nothing happens when tracing is off.
 */
export function beginTrace(
  request: GatewayRequest,
  method: string,
  label: string,
  traceparent: string | string[] | undefined,
  deps: Pick<GatewayDeps, 'tracing'>,
): void {
  if (deps.tracing === undefined) return;
  request.trace = deps.tracing.startRequest(`${method} ${label}`, traceparent, { 'http.request.method': method, 'http.route': label });
}

/** Runs one stage in a child span (`flambeau.privacy`, `flambeau.route`...), ended when it settles. */
export function traceStage<T>(request: GatewayRequest, name: string, run: () => T): T {
  const trace = request.trace;
  if (trace === null || !trace.sampled) return run();
  const span = trace.child(name);
  const failed = (error: unknown): never => {
    span.fail(asFlambeauError(error).code);
    span.end();
    throw error;
  };
  let out: T;
  try {
    out = run();
  } catch (error) {
    return failed(error);
  }
  if (!(out instanceof Promise)) {
    span.end();
    return out;
  }
  return out.then((value: unknown) => {
    span.end();
    return value;
  }, failed) as T;
}

/**
 * Ends the request's span with what the outcome says, as the GenAI semantic conventions name it
 * (`gen_ai.*`) and flambeau's own facts (`flambeau.*`): never a prompt or an answer, and a model
 * name the gateway does not serve only as `other`.
 */
export function endTrace(request: GatewayRequest): void {
  const trace = request.trace;
  if (trace === null) return;
  request.trace = null;
  if (!trace.sampled) return;
  const { outcome } = request;
  const attributes: Record<string, string | number | boolean> = { 'http.response.status_code': outcome.status };
  if (outcome.model !== null) attributes['gen_ai.request.model'] = outcome.modelKnown === true ? outcome.model : 'other';
  if (outcome.provider !== null) attributes['gen_ai.provider.name'] = outcome.provider;
  if (outcome.upstreamModel !== null) attributes['gen_ai.response.model'] = outcome.upstreamModel;
  if (outcome.usage?.inputTokens != null) attributes['gen_ai.usage.input_tokens'] = outcome.usage.inputTokens;
  if (outcome.usage?.outputTokens != null) attributes['gen_ai.usage.output_tokens'] = outcome.usage.outputTokens;
  if (outcome.usage?.cachedInputTokens !== undefined) attributes['flambeau.cache.cached_input_tokens'] = outcome.usage.cachedInputTokens;
  if (outcome.route !== null) attributes['flambeau.route'] = outcome.route;
  if (outcome.locality !== null) attributes['flambeau.locality'] = outcome.locality;
  if (outcome.privacy?.action != null) attributes['flambeau.privacy.action'] = outcome.privacy.action;
  for (const [type, count] of Object.entries(outcome.privacy?.findings ?? {})) if (count > 0) attributes[`flambeau.privacy.findings.${type}`] = count;
  if (outcome.costUsd > 0) attributes['flambeau.cost_usd'] = outcome.costUsd;
  trace.root.set(attributes);
  if (outcome.errorCode !== null) trace.root.fail(outcome.errorCode);
  trace.root.end();
}
