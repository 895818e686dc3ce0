import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { FlambeauError } from '../../errors/index.js';
import { embed, resolveEmbeddingTarget } from '../../gateway/embed.js';
import type { ModelCatalog } from '../../models/model-catalog.js';
import type { PrivacyGuard } from '../../privacy/index.js';
import type { Router } from '../../router/router.js';
import { abortOnClose } from './abort-on-close.js';
import { readJsonBody } from './read-json-body.js';
import { targetHeaders, type RequestContext } from './request-context.js';
import { sendJson } from './send.js';
import { invalidRequestFrom } from './zod-issue.js';
import { MAX_MODEL_NAME_CHARS } from './chat-completions-wire.js';
import { admitRequest, recordRequest, type AccountingDeps } from './request-accounting.js';
import { checkScope } from '../../auth/scope.js';
import { worstCaseCostUsd } from '../../auth/price.js';
import { actualCost, priceOf } from '../../gateway/budget-hold.js';
import { embedInputTokenBound, estimateTokens } from '../../gateway/usage-estimate.js';

const embeddingsBody = z.looseObject({
  model: z.string().min(1).max(MAX_MODEL_NAME_CHARS),
  input: z.union([z.string(), z.array(z.string()).min(1).max(2048)], {
    error: 'must be a string or an array of strings (token arrays are not supported)',
  }),
  encoding_format: z.enum(['float', 'base64']).optional(),
  dimensions: z.number().int().positive().optional(),
  user: z.string().optional(),
});

export interface EmbeddingsRouteDeps extends AccountingDeps {
  catalog: ModelCatalog;
  privacy: PrivacyGuard;
  router: Router;
  bodyLimitBytes: number;
}

export async function handleEmbeddings(req: IncomingMessage, res: ServerResponse, ctx: RequestContext, deps: EmbeddingsRouteDeps): Promise<void> {
  const raw = await readJsonBody(req, deps.bodyLimitBytes);
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new FlambeauError('invalid_request', 'The request body must be a JSON object.');
  const parsed = embeddingsBody.safeParse(raw);
  if (!parsed.success) throw invalidRequestFrom(parsed.error);
  const body = parsed.data;
  const input = typeof body.input === 'string' ? [body.input] : body.input;
  const empty = input.findIndex((text) => text === '');
  if (empty !== -1) throw new FlambeauError('invalid_request', `Invalid value for 'input${typeof body.input === 'string' ? '' : `[${empty}]`}': must not be empty.`, { param: 'input' });
  ctx.model = body.model;
  if (ctx.principal !== null) checkScope(ctx.principal, { endpoint: 'embeddings', model: body.model });
  let estimate = 0;
  for (const text of input) estimate += estimateTokens(text);
  await admitRequest(res, ctx, deps, estimate);
  const call = { requestId: ctx.id, model: body.model, input, signal: abortOnClose(res), ...(body.dimensions === undefined ? {} : { dimensions: body.dimensions }), ...(body.user === undefined ? {} : { user: body.user }) };
  const entry = resolveEmbeddingTarget(call, deps.catalog);
  const skip = deps.router.skipReason(entry.name);
  if (skip !== null) throw new FlambeauError('no_target_available', `The model \`${entry.name}\` cannot be used now: ${skip}.`, { details: { reasons: [{ model: entry.name, reason: skip }] } });
  ctx.target = { name: entry.name, provider: entry.provider.id, model: entry.embedding?.model ?? entry.config.model, locality: entry.locality };
  const principal = ctx.principal;
  const result = await embed(call, entry, deps.privacy, (facts) => {
    ctx.privacyAction = facts.action;
    ctx.privacyFindings = facts.findings;
    // Held once the findings are known (placeholders may lengthen the inputs), before anything is sent.
    if (principal !== null) ctx.reservation = deps.ledger.reserve(principal, { maxCostUsd: worstCaseCostUsd(priceOf(deps.catalog, entry.name), embedInputTokenBound(input, facts.findings), 0) });
  });
  ctx.usage = result.usage;
  ctx.status = 200;
  ctx.costUsd = actualCost(deps.catalog, entry.name, result.usage);
  recordRequest(ctx, deps);
  const base64 = body.encoding_format === 'base64';
  const prompt = result.usage.inputTokens ?? 0;
  sendJson(
    res,
    200,
    {
      object: 'list',
      data: result.vectors.map((vector, index) => ({ object: 'embedding', index, embedding: base64 ? toBase64(vector) : Array.from(vector) })),
      model: entry.name,
      usage: { prompt_tokens: prompt, total_tokens: prompt, ...(result.usage.estimated ? { estimated: true } : {}) },
    },
    targetHeaders(ctx),
  );
}

/** OpenAI's base64 encoding: the float32 little-endian bytes. */
function toBase64(vector: Float32Array): string {
  const bytes = Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength);
  // Float32Array uses the platform's byte order; every platform Node supports here is little-endian.
  return bytes.toString('base64');
}
