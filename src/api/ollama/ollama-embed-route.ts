import { responseHeaders, startEmbed } from '../../gateway/index.js';
import { abortOnClose } from '../http/abort-on-close.js';
import { readJsonBody } from '../http/read-json-body.js';
import type { RouteCall } from '../http/route-call.js';
import { sendJson } from '../http/send.js';
import type { Warning } from '../../providers/spec.js';
import { embedBody, embeddingsBody, parseOllamaBody } from './ollama-wire.js';
import { warningHeader } from '../http/stream-out.js';

/** POST /api/embed: one vector per input, in input order. */
export async function handleOllamaEmbed(call: RouteCall): Promise<void> {
  const { res, request } = call;
  const startedAt = request.outcome.startedAt;
  const body = parseOllamaBody(await readJsonBody(call.req, call.deps.bodyLimitBytes), embedBody);
  const input = typeof body.input === 'string' ? [body.input] : body.input;
  const { result } = await startEmbed(
    { request, model: body.model, input, signal: abortOnClose(res), ...(body.dimensions == null ? {} : { dimensions: body.dimensions }) },
    call.deps.gateway,
  );
  // The target embeds what it is given: a too-long input fails upstream instead of being cut.
  const warnings: Warning[] = body.truncate === true ? [{ kind: 'unsupported', setting: 'truncate' }] : [];
  sendJson(
    res,
    200,
    {
      model: body.model,
      embeddings: result.vectors.map((v) => Array.from(v)),
      total_duration: Math.round((Date.now() - startedAt) * 1_000_000),
      load_duration: 0,
      ...(result.usage.inputTokens === null ? {} : { prompt_eval_count: result.usage.inputTokens }),
    },
    { ...responseHeaders(request), ...warningHeader([...warnings, ...ignored(body)]) },
  );
}

/** POST /api/embeddings, the older form: one prompt, one vector. */
export async function handleOllamaEmbeddings(call: RouteCall): Promise<void> {
  const { res, request } = call;
  const body = parseOllamaBody(await readJsonBody(call.req, call.deps.bodyLimitBytes), embeddingsBody);
  const { result } = await startEmbed({ request, model: body.model, input: [body.prompt], signal: abortOnClose(res) }, call.deps.gateway);
  sendJson(res, 200, { embedding: Array.from(result.vectors[0] ?? []) }, { ...responseHeaders(request), ...warningHeader(ignored(body)) });
}

/** Embedding targets take no sampling options and keep their own residency. */
function ignored(body: { keep_alive?: unknown; options?: Record<string, unknown> | null }): Warning[] {
  const warnings: Warning[] = Object.entries(body.options ?? {})
    .filter(([, v]) => v != null)
    .map(([k]) => ({ kind: 'unsupported', setting: `options.${k}` }));
  if (body.keep_alive != null) warnings.push({ kind: 'unsupported', setting: 'keep_alive' });
  return warnings;
}
