import { request } from 'undici';
import { FlambeauError } from '../../errors/index.js';
import type { ModelRef } from '../model-ref.js';
import type { RemoteFile } from './remote-file.js';

type HfRef = Extract<ModelRef, { kind: 'hf' }>;

/**
 * Locates a file of a Hugging Face-layout hub: `HEAD {endpoint}/{owner}/{repo}/resolve/{rev}/{file}`
 * without following the CDN redirect, as huggingface_hub's `get_hf_file_metadata` does. For LFS
 * files (every GGUF) the hub sends the sha256 in `X-Linked-Etag` and the size in `X-Linked-Size`,
 * then redirects to the CDN; a relative redirect (a renamed repo) is followed on the hub itself.
 */
export async function resolveHfFile(ref: HfRef, endpoint: string, token: string | null, signal?: AbortSignal): Promise<RemoteFile> {
  const path = `/${ref.owner}/${ref.repo}/resolve/${encodeURIComponent(ref.revision)}/${ref.file.split('/').map(encodeURIComponent).join('/')}`;
  let url = `${endpoint}${path}`;
  const headers: Record<string, string> = { 'accept-encoding': 'identity', 'user-agent': 'flambeau' };
  if (token !== null) headers.authorization = `Bearer ${token}`;
  for (let hop = 0; hop < 5; hop++) {
    let response;
    try {
      response = await request(url, { method: 'HEAD', headers, ...(signal === undefined ? {} : { signal }) });
    } catch (error) {
      throw new FlambeauError('upstream_failed', `cannot reach the hub at ${endpoint} (${(error as { code?: string }).code ?? (error as Error).message}).`, {
        cause: error,
      });
    }
    await response.body.dump();
    const h = response.headers;
    const location = typeof h.location === 'string' ? h.location : undefined;
    if (location !== undefined && !URL.canParse(location, url))
      throw new FlambeauError('upstream_failed', `the hub redirected ${url} to an unreadable Location.`, { details: { status: response.statusCode } });
    // Only the hub's own redirects are followed here (with the token); the CDN's URL is checked by the download.
    const sameHost = location !== undefined && new URL(location, url).origin === new URL(endpoint).origin;
    if (response.statusCode >= 300 && response.statusCode < 400 && location !== undefined && sameHost && h['x-linked-etag'] === undefined) {
      url = new URL(location, url).toString();
      continue;
    }
    if (response.statusCode === 404)
      throw new FlambeauError('model_not_found', `${ref.owner}/${ref.repo} has no file ${ref.file} at ${ref.revision} (${endpoint}).`, {
        details: { status: 404 },
      });
    if (response.statusCode === 401 || response.statusCode === 403) {
      throw new FlambeauError(
        'upstream_failed',
        `${ref.owner}/${ref.repo} is gated or private (HTTP ${response.statusCode}): accept its terms on the hub and set HF_TOKEN.`,
        { details: { status: response.statusCode } },
      );
    }
    if (response.statusCode >= 400)
      throw new FlambeauError('upstream_failed', `the hub answered HTTP ${response.statusCode} for ${url}.`, { details: { status: response.statusCode } });
    const etag = cleanEtag(header(h['x-linked-etag']) ?? header(h.etag));
    const size = Number(header(h['x-linked-size']) ?? header(h['content-length']));
    return {
      url: location === undefined ? url : new URL(location, url).toString(),
      sha256: etag !== null && /^[0-9a-f]{64}$/.test(etag) ? etag : null,
      size: Number.isSafeInteger(size) && size > 0 ? size : null,
      headers: token === null ? {} : { authorization: `Bearer ${token}` },
      extras: {},
      suggestedName: (ref.file.split('/').at(-1) ?? ref.file).replace(/\.gguf$/i, '').toLowerCase(),
    };
  }
  throw new FlambeauError('upstream_failed', `too many redirects resolving ${path} on ${endpoint}.`);
}

function header(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** `W/"abc"` -> `abc`: LFS etags are the sha256 of the content. */
function cleanEtag(value: string | undefined): string | null {
  if (value === undefined) return null;
  return value.replace(/^W\//, '').replaceAll('"', '').trim().toLowerCase();
}
