import { z } from 'zod';
import { FlambeauError } from '../../errors/index.js';
import { responseHeaders, startEmbed } from '../../gateway/index.js';
import { abortOnClose } from './abort-on-close.js';
import { MAX_MODEL_NAME_CHARS } from './chat-completions-wire.js';
import { sendJson } from './send.js';
import { readBody, type RouteCall } from './route-call.js';

const embeddingsBody = z.looseObject({
  model: z.string().min(1).max(MAX_MODEL_NAME_CHARS),
  input: z.union([z.string(), z.array(z.string()).min(1).max(2048)], {
    error: 'must be a string or an array of strings (token arrays are not supported)',
  }),
  encoding_format: z.enum(['float', 'base64']).optional(),
  dimensions: z.number().int().positive().optional(),
  user: z.string().optional(),
});

/** POST /v1/embeddings: the OpenAI wire format onto the gateway's embedding spine and back. */
export async function handleEmbeddings(call: RouteCall): Promise<void> {
  const { res, request } = call;
  const body = await readBody(call, embeddingsBody, 'a JSON object');
  const input = typeof body.input === 'string' ? [body.input] : body.input;
  const empty = input.findIndex((text) => text === '');
  if (empty !== -1)
    throw new FlambeauError('invalid_request', `Invalid value for 'input${typeof body.input === 'string' ? '' : `[${empty}]`}': must not be empty.`, {
      param: 'input',
    });
  const { model, result } = await startEmbed(
    {
      request,
      model: body.model,
      input,
      signal: abortOnClose(res),
      ...(body.dimensions === undefined ? {} : { dimensions: body.dimensions }),
      ...(body.user === undefined ? {} : { user: body.user }),
    },
    call.deps.gateway,
  );
  const base64 = body.encoding_format === 'base64';
  const prompt = result.usage.inputTokens ?? 0;
  sendJson(
    res,
    200,
    {
      object: 'list',
      data: result.vectors.map((vector, index) => ({ object: 'embedding', index, embedding: base64 ? toBase64(vector) : Array.from(vector) })),
      model,
      usage: { prompt_tokens: prompt, total_tokens: prompt, ...(result.usage.estimated ? { estimated: true } : {}) },
    },
    responseHeaders(request),
  );
}

/** OpenAI's base64 encoding: the float32 little-endian bytes. */
function toBase64(vector: Float32Array): string {
  const bytes = Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength);
  // Float32Array uses the platform's byte order; every platform Node supports here is little-endian.
  return bytes.toString('base64');
}
