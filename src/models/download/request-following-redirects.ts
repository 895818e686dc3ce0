import { request, type Dispatcher } from 'undici';
import { FlambeauError } from '../../errors/index.js';
import type { HopGuard } from './hop-guard.js';

/** Hubs redirect once or twice (hub -> CDN, a renamed repo); more than this is a loop or a trap. */
export const MAX_REDIRECTS = 10;
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

export interface HopRequest {
  method: 'GET' | 'HEAD';
  /** Sent on every hop (Range, Accept, User-Agent: nothing secret). */
  headers: Record<string, string>;
  /** Sent to the source's own origin only (a hub token), never to another origin. */
  sourceHeaders?: Record<string, string>;
  signal?: AbortSignal;
}

export interface HopResponse {
  response: Dispatcher.ResponseData;
  /** The URL that answered (after the redirects). */
  url: string;
}

/**
 * GET/HEAD with redirects followed here rather than by undici, so that each hop is checked by the
 * guard (scheme, address, which headers go) before it is requested. Returns the first answer that
 * is not a redirect. Connection errors are thrown as undici throws them (callers word them);
 * refusals, loops and unreadable `Location`s throw `upstream_failed`.
 */
export async function requestFollowingRedirects(url: string, init: HopRequest, guard: HopGuard): Promise<HopResponse> {
  let current = parseTarget(url, undefined);
  for (let redirects = 0; ; redirects++) {
    const route = await guard.route(current);
    const headers = route.isSource ? { ...init.headers, ...init.sourceHeaders } : { ...init.headers };
    const response = await request(current, {
      method: init.method,
      headers,
      ...(route.dispatcher === undefined ? {} : { dispatcher: route.dispatcher }),
      ...(init.signal === undefined ? {} : { signal: init.signal }),
    });
    if (!REDIRECT_STATUSES.has(response.statusCode)) return { response, url: current.href };
    const location = response.headers.location;
    await response.body.dump();
    if (typeof location !== 'string')
      throw new FlambeauError('upstream_failed', `${current.href} redirected without a Location header.`, { details: { status: response.statusCode } });
    if (redirects >= MAX_REDIRECTS) throw new FlambeauError('upstream_failed', `${url}: more than ${MAX_REDIRECTS} redirects.`);
    current = parseTarget(location, current);
  }
}

function parseTarget(location: string, base: URL | undefined): URL {
  try {
    return new URL(location, base);
  } catch (error) {
    throw new FlambeauError('upstream_failed', `${base?.href ?? 'the source'} redirected to an unreadable Location (${location.slice(0, 200)}).`, {
      cause: error,
    });
  }
}
