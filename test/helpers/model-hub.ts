import { createHash } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local imitation of the two model hub layouts flambeau pulls from: two servers on 127.0.0.1,
 * the hub (`url`) and its CDN (`cdnUrl`, another port, so another origin, as huggingface.co and
 * cdn-lfs.hf.co are):
 *
 * - Hugging Face: `HEAD|GET /{owner}/{repo}/resolve/{revision}/{file}` answers 302 to the CDN's
 *   `/cdn/lfs/{sha256}` with `X-Linked-Etag` (the LFS sha256, quoted), `X-Linked-Size`, `ETag`
 *   and `X-Repo-Commit`, as the real hub does for LFS files;
 * - Ollama registry: `GET /v2/{namespace}/{name}/manifests/{tag}` (a v2 manifest with a
 *   `application/vnd.ollama.image.model` layer, and license/template/params layers when given)
 *   and `GET /v2/{namespace}/{name}/blobs/sha256:{hex}`, which answers 307 to the CDN's
 *   `/cdn/blobs/{hex}`;
 * - plain files at `/files/{name}` (on both servers), optionally sent without a length (chunked);
 * - `addRedirect(path, location)`: any path of the hub redirecting anywhere (hostile hubs).
 *
 * The byte paths honour `Range: bytes=N-` (206 with `Content-Range`) unless `ignoreRanges` is set.
 * `cutAfter(n)` makes the next body download stop after n bytes by destroying the socket.
 */
export interface ModelHub {
  url: string;
  /** The CDN the hub redirects downloads to: same host, another port, so another origin. */
  cdnUrl: string;
  /** Every request seen by either server, in order: which one, method, path, Range and all headers. */
  requests: HubRequest[];
  addHfFile(owner: string, repo: string, file: string, bytes: Uint8Array, options?: { revision?: string; advertisedSha256?: string }): void;
  addOllamaModel(
    name: string,
    tag: string,
    bytes: Uint8Array,
    options?: { namespace?: string; license?: string; template?: string; params?: Record<string, unknown>; manifestPadding?: number },
  ): void;
  /** `chunked`: sent without Content-Length, so only the end of the stream says where it stops. */
  addPlainFile(name: string, bytes: Uint8Array, options?: { chunked?: boolean }): void;
  addRedirect(path: string, location: string, status?: number): void;
  cutAfter(bytes: number): void;
  ignoreRanges: boolean;
  close(): Promise<void>;
}

export interface HubRequest {
  server: 'hub' | 'cdn';
  method: string;
  path: string;
  range: string | undefined;
  headers: IncomingHttpHeaders;
}

const sha = (bytes: Uint8Array | string) => createHash('sha256').update(bytes).digest('hex');

export async function startModelHub(): Promise<ModelHub> {
  const blobs = new Map<string, Uint8Array>();
  const hf = new Map<string, { sha256: string; advertised: string; size: number }>();
  const manifests = new Map<string, string>();
  const plain = new Map<string, { bytes: Uint8Array; chunked: boolean }>();
  const redirects = new Map<string, { location: string; status: number }>();
  const requests: ModelHub['requests'] = [];
  let cut: number | null = null;
  const hub = { ignoreRanges: false };

  const sendBytes = (req: IncomingMessage, res: ServerResponse, bytes: Uint8Array, extra: Record<string, string> = {}, chunked = false) => {
    const match = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
    let start = 0;
    if (match !== null && !hub.ignoreRanges) {
      start = Number(match[1]);
      if (start >= bytes.length) {
        res.writeHead(416, { 'content-range': `bytes */${bytes.length}` }).end();
        return;
      }
      res.writeHead(206, {
        ...extra,
        'content-type': 'application/octet-stream',
        'content-length': String(bytes.length - start),
        'content-range': `bytes ${start}-${bytes.length - 1}/${bytes.length}`,
        'accept-ranges': 'bytes',
      });
    } else if (chunked) {
      res.writeHead(200, { ...extra, 'content-type': 'application/octet-stream' });
    } else {
      res.writeHead(200, { ...extra, 'content-type': 'application/octet-stream', 'content-length': String(bytes.length), 'accept-ranges': 'bytes' });
    }
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    const body = bytes.subarray(start);
    if (cut !== null && cut < body.length) {
      const keep = cut;
      cut = null;
      // Send part of the body, then drop the connection as a flaky network would.
      res.write(body.subarray(0, keep), () => setTimeout(() => res.socket?.destroy(), 20));
      return;
    }
    res.end(body);
  };

  const serveHub = (req: IncomingMessage, res: ServerResponse, path: string) => {
    let m: RegExpExecArray | null;
    const redirect = redirects.get(path);
    if (redirect !== undefined) return void res.writeHead(redirect.status, { location: redirect.location }).end();
    if ((m = /^\/([^/]+)\/([^/]+)\/resolve\/([^/]+)\/(.+)$/.exec(path)) !== null) {
      const file = hf.get(`${m[1]}/${m[2]}/${m[3]}/${m[4]}`);
      if (file === undefined) return void res.writeHead(404, { 'x-error-code': 'EntryNotFound' }).end('Entry not found');
      return void res
        .writeHead(302, {
          location: `${cdnUrl}/cdn/lfs/${file.sha256}?signature=imitation`,
          'x-linked-etag': `"${file.advertised}"`,
          'x-linked-size': String(file.size),
          etag: `W/"${sha(file.advertised).slice(0, 40)}"`,
          'x-repo-commit': sha(m[3] ?? '').slice(0, 40),
        })
        .end();
    }
    if ((m = /^\/v2\/([^/]+)\/([^/]+)\/manifests\/([^/]+)$/.exec(path)) !== null) {
      const manifest = manifests.get(`${m[1]}/${m[2]}:${m[3]}`);
      if (manifest === undefined)
        return void res.writeHead(404, { 'content-type': 'application/json' }).end('{"errors":[{"code":"MANIFEST_UNKNOWN","message":"manifest unknown"}]}');
      return void res
        .writeHead(200, { 'content-type': 'application/vnd.docker.distribution.manifest.v2+json', 'docker-content-digest': `sha256:${sha(manifest)}` })
        .end(manifest);
    }
    if ((m = /^\/v2\/[^/]+\/[^/]+\/blobs\/sha256:([0-9a-f]{64})$/.exec(path)) !== null) {
      if (!blobs.has(m[1] as string)) return void res.writeHead(404).end('{"errors":[{"code":"BLOB_UNKNOWN"}]}');
      return void res.writeHead(307, { location: `${cdnUrl}/cdn/blobs/${m[1]}` }).end();
    }
    servePlain(req, res, path);
  };

  const servePlain = (req: IncomingMessage, res: ServerResponse, path: string) => {
    const m = /^\/files\/(.+)$/.exec(path);
    const file = m === null ? undefined : plain.get(m[1] as string);
    if (file === undefined) return void res.writeHead(404).end();
    sendBytes(req, res, file.bytes, {}, file.chunked);
  };

  const serveCdn = (req: IncomingMessage, res: ServerResponse, path: string) => {
    const m = /^\/cdn\/(?:lfs|blobs)\/([0-9a-f]{64})$/.exec(path);
    if (m === null) return servePlain(req, res, path);
    const bytes = blobs.get(m[1] as string);
    if (bytes === undefined) return void res.writeHead(404).end();
    sendBytes(req, res, bytes, { etag: `"${m[1]}"` });
  };

  const listen = async (server: 'hub' | 'cdn', handle: (req: IncomingMessage, res: ServerResponse, path: string) => void) => {
    const http = createServer((req, res) => {
      const path = decodeURIComponent((req.url ?? '/').split('?')[0] ?? '/');
      requests.push({ server, method: req.method ?? 'GET', path, range: req.headers.range, headers: req.headers });
      handle(req, res, path);
    });
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    return { http, url: `http://127.0.0.1:${(http.address() as AddressInfo).port}` };
  };
  const cdn = await listen('cdn', serveCdn);
  const cdnUrl = cdn.url;
  const hubServer = await listen('hub', serveHub);

  const addBlob = (bytes: Uint8Array): string => {
    const digest = sha(bytes);
    blobs.set(digest, bytes);
    return digest;
  };

  return Object.assign(hub, {
    url: hubServer.url,
    cdnUrl,
    requests,
    addHfFile(owner: string, repo: string, file: string, bytes: Uint8Array, options: { revision?: string; advertisedSha256?: string } = {}) {
      const digest = addBlob(bytes);
      hf.set(`${owner}/${repo}/${options.revision ?? 'main'}/${file}`, { sha256: digest, advertised: options.advertisedSha256 ?? digest, size: bytes.length });
    },
    addOllamaModel(
      name: string,
      tag: string,
      bytes: Uint8Array,
      options: { namespace?: string; license?: string; template?: string; params?: Record<string, unknown>; manifestPadding?: number } = {},
    ) {
      const layer = (mediaType: string, data: Uint8Array) => ({ mediaType, digest: `sha256:${addBlob(data)}`, size: data.length });
      const text = (value: string) => new TextEncoder().encode(value);
      const layers = [layer('application/vnd.ollama.image.model', bytes)];
      if (options.license !== undefined) layers.push(layer('application/vnd.ollama.image.license', text(options.license)));
      if (options.template !== undefined) layers.push(layer('application/vnd.ollama.image.template', text(options.template)));
      if (options.params !== undefined) layers.push(layer('application/vnd.ollama.image.params', text(JSON.stringify(options.params))));
      const config = layer('application/vnd.docker.container.image.v1+json', text(JSON.stringify({ model_format: 'gguf', model_family: 'llama' })));
      // manifestPadding: trailing spaces (still valid JSON), for a registry that sends far too much.
      const manifest =
        JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.docker.distribution.manifest.v2+json', config, layers }) +
        ' '.repeat(options.manifestPadding ?? 0);
      manifests.set(`${options.namespace ?? 'library'}/${name}:${tag}`, manifest);
    },
    addPlainFile(name: string, bytes: Uint8Array, options: { chunked?: boolean } = {}) {
      plain.set(name, { bytes, chunked: options.chunked === true });
    },
    addRedirect(path: string, location: string, status = 302) {
      redirects.set(path, { location, status });
    },
    cutAfter(bytes: number) {
      cut = bytes;
    },
    close: async () => {
      for (const { http } of [hubServer, cdn]) {
        http.closeAllConnections();
        await new Promise<void>((resolve) => http.close(() => resolve()));
      }
    },
  });
}
