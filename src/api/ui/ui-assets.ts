import { existsSync, readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';

/**
 * The dashboard page's Content Security Policy: only its own bundled script and stylesheet, calls
 * to its own origin, no inline script, no frame around it, no form posting elsewhere.
 */
export const UI_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/** Headers on every /ui response (pages, assets, the session and proxy answers). */
export const UI_SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': UI_CSP,
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
};

interface Asset {
  type: string;
  body: Buffer;
  br: Buffer | null;
  gz: Buffer | null;
}

const TYPES: Record<string, string> = { js: 'text/javascript; charset=utf-8', css: 'text/css; charset=utf-8' };

/** The built dashboard (dist/web, made by scripts/build-web.mjs), read once into memory. */
export interface UiAssets {
  /** False when dist/web has no build: /ui then says how to make one. */
  readonly built: boolean;
  index(res: ServerResponse): void;
  /** Serves `/ui/assets/NAME` (hashed names: cached for a year); false when there is no such file. */
  asset(req: IncomingMessage, res: ServerResponse, name: string): boolean;
}

export function loadUiAssets(dir: string): UiAssets {
  const manifestPath = join(dir, 'manifest.json');
  if (!existsSync(manifestPath)) {
    return {
      built: false,
      index(res) {
        res.writeHead(503, { ...UI_SECURITY_HEADERS, 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' });
        res.end('The dashboard is not built: run `npm run build` (scripts/build-web.mjs).\n');
      },
      asset: () => false,
    };
  }
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { files?: Record<string, string> };
  const assets = new Map<string, Asset>();
  for (const [ext, path] of Object.entries(manifest.files ?? {})) {
    const type = TYPES[ext];
    if (type === undefined || typeof path !== 'string' || !/^assets\/app\.[0-9a-f]{12}\.(js|css)$/.test(path)) continue;
    const read = (suffix: string) => (existsSync(join(dir, path + suffix)) ? readFileSync(join(dir, path + suffix)) : null);
    assets.set(path.slice('assets/'.length), { type, body: readFileSync(join(dir, path)), br: read('.br'), gz: read('.gz') });
  }
  const html = readFileSync(join(dir, 'index.html'));
  return {
    built: true,
    index(res) {
      res.writeHead(200, {
        ...UI_SECURITY_HEADERS,
        'content-type': 'text/html; charset=utf-8',
        'content-length': html.length,
        // Always asked again: a new build names new asset files.
        'cache-control': 'no-cache',
      });
      res.end(html);
    },
    asset(req, res, name) {
      const asset = assets.get(name);
      if (asset === undefined) return false;
      const accepted = String(req.headers['accept-encoding'] ?? '');
      const [body, encoding] =
        asset.br !== null && /\bbr\b/.test(accepted)
          ? [asset.br, 'br']
          : asset.gz !== null && /\bgzip\b/.test(accepted)
            ? [asset.gz, 'gzip']
            : [asset.body, null];
      res.writeHead(200, {
        ...UI_SECURITY_HEADERS,
        'content-type': asset.type,
        'content-length': body.length,
        'cache-control': 'public, max-age=31536000, immutable',
        vary: 'accept-encoding',
        ...(encoding === null ? {} : { 'content-encoding': encoding }),
      });
      res.end(req.method === 'HEAD' ? undefined : body);
      return true;
    },
  };
}
