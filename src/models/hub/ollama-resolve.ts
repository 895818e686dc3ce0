import { createHash } from 'node:crypto';
import { z } from 'zod';
import { FlambeauError } from '../../errors/index.js';
import type { HopGuard } from '../download/hop-guard.js';
import { requestFollowingRedirects } from '../download/request-following-redirects.js';
import type { ModelRef } from '../model-ref.js';
import type { RemoteFile } from './remote-file.js';

type OllamaRef = Extract<ModelRef, { kind: 'ollama' }>;

/** Media types of the Ollama registry (an OCI distribution registry with Ollama's layer types). */
export const OLLAMA_MEDIA_TYPES = {
  manifest: 'application/vnd.docker.distribution.manifest.v2+json',
  model: 'application/vnd.ollama.image.model',
  license: 'application/vnd.ollama.image.license',
  template: 'application/vnd.ollama.image.template',
  params: 'application/vnd.ollama.image.params',
} as const;

const layer = z.object({ mediaType: z.string(), digest: z.string().regex(/^sha256:[0-9a-f]{64}$/), size: z.number().int().nonnegative() });
const manifestSchema = z.object({ schemaVersion: z.literal(2), mediaType: z.string().optional(), config: layer.optional(), layers: z.array(layer).min(1) });
export type OllamaManifest = z.infer<typeof manifestSchema>;

/** Small layers read as text (licence, template, params); the model layer is downloaded by the caller. */
const SMALL_LAYER_BYTES = 1_000_000;
/** Real manifests are about a kilobyte; a registry sending more than this is refused, not buffered. */
const MAX_MANIFEST_BYTES = 1_000_000;

/**
 * Reads `GET {registry}/v2/{namespace}/{name}/manifests/{tag}`; the model is the layer of type
 * `application/vnd.ollama.image.model`, fetched from `/v2/{namespace}/{name}/blobs/{digest}` (the
 * registry redirects blob requests to its CDN). The licence, template and params layers are read
 * and checked against their digests. Every redirect passes `guard` (the registry is its source).
 */
export async function resolveOllamaModel(ref: OllamaRef, registry: string, guard: HopGuard, signal?: AbortSignal): Promise<RemoteFile> {
  const base = `${registry}/v2/${ref.namespace}/${ref.name}`;
  const manifest = manifestSchema.safeParse(await getJson(`${base}/manifests/${ref.tag}`, guard, signal, `ollama:${ref.name}:${ref.tag}`));
  if (!manifest.success)
    throw new FlambeauError(
      'upstream_failed',
      `the registry's manifest for ${ref.name}:${ref.tag} is not a v2 manifest (${manifest.error.issues[0]?.message ?? 'invalid'}).`,
    );
  const layers = manifest.data.layers;
  const model = layers.find((l) => l.mediaType === OLLAMA_MEDIA_TYPES.model);
  if (model === undefined) throw new FlambeauError('upstream_failed', `${ref.name}:${ref.tag} has no ${OLLAMA_MEDIA_TYPES.model} layer (not a GGUF model).`);
  const text = async (type: string): Promise<string | undefined> => {
    const found = layers.find((l) => l.mediaType === type);
    if (found === undefined || found.size > SMALL_LAYER_BYTES) return undefined;
    return getBlobText(`${base}/blobs/${found.digest}`, found.digest, found.size, guard, signal);
  };
  const [licenseText, template, params] = await Promise.all([
    text(OLLAMA_MEDIA_TYPES.license),
    text(OLLAMA_MEDIA_TYPES.template),
    text(OLLAMA_MEDIA_TYPES.params),
  ]);
  const extras: RemoteFile['extras'] = {};
  if (licenseText !== undefined) extras.licenseText = licenseText;
  if (template !== undefined) extras.template = template;
  if (params !== undefined) extras.params = parseParams(params);
  return {
    url: `${base}/blobs/${model.digest}`,
    sha256: model.digest.slice('sha256:'.length),
    size: model.size,
    headers: {},
    extras,
    suggestedName: `${ref.name}-${ref.tag}`.toLowerCase(),
  };
}

async function getJson(url: string, guard: HopGuard, signal: AbortSignal | undefined, what: string): Promise<unknown> {
  const body = await get(url, guard, signal, { accept: OLLAMA_MEDIA_TYPES.manifest }, what, MAX_MANIFEST_BYTES);
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    throw new FlambeauError('upstream_failed', `the registry's manifest for ${what} is not JSON.`);
  }
}

async function getBlobText(url: string, digest: string, size: number, guard: HopGuard, signal: AbortSignal | undefined): Promise<string> {
  const body = await get(url, guard, signal, {}, digest, size);
  const actual = `sha256:${createHash('sha256').update(body).digest('hex')}`;
  if (actual !== digest) throw new FlambeauError('upstream_failed', `registry blob ${digest} hashed to ${actual}.`);
  return body.toString('utf8');
}

/** GETs a small document, reading at most `maxBytes` of it. */
async function get(
  url: string,
  guard: HopGuard,
  signal: AbortSignal | undefined,
  extra: Record<string, string>,
  what: string,
  maxBytes: number,
): Promise<Buffer> {
  let response;
  try {
    ({ response } = await requestFollowingRedirects(
      url,
      { method: 'GET', headers: { 'user-agent': 'flambeau', ...extra }, ...(signal === undefined ? {} : { signal }) },
      guard,
    ));
  } catch (error) {
    if (error instanceof FlambeauError) throw error;
    throw new FlambeauError('upstream_failed', `cannot reach the registry for ${what} (${(error as { code?: string }).code ?? (error as Error).message}).`, {
      cause: error,
    });
  }
  if (response.statusCode === 404) {
    await response.body.dump();
    throw new FlambeauError('model_not_found', `the registry has no ${what}.`, { details: { status: 404 } });
  }
  if (response.statusCode >= 400) {
    await response.body.dump();
    throw new FlambeauError('upstream_failed', `the registry answered HTTP ${response.statusCode} for ${what}.`, { details: { status: response.statusCode } });
  }
  const chunks: Buffer[] = [];
  let total = 0;
  try {
    // Leaving the loop (the throw) destroys the body: the rest is never read.
    for await (const chunk of response.body as AsyncIterable<Buffer>) {
      total += chunk.length;
      if (total > maxBytes) throw new FlambeauError('upstream_failed', `the registry sent more than ${maxBytes} bytes for ${what}.`, { details: { maxBytes } });
      chunks.push(chunk);
    }
  } catch (error) {
    if (error instanceof FlambeauError) throw error;
    throw new FlambeauError(
      'upstream_failed',
      `the registry's answer for ${what} was interrupted (${(error as { code?: string }).code ?? (error as Error).message}).`,
      { cause: error },
    );
  }
  return Buffer.concat(chunks);
}

function parseParams(text: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}
