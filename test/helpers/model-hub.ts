import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local imitation of the two model hub layouts flambeau pulls from, on 127.0.0.1:
 *
 * - Hugging Face: `HEAD|GET /{owner}/{repo}/resolve/{revision}/{file}` answers 302 to a CDN-like
 *   `/cdn/lfs/{sha256}` with `X-Linked-Etag` (the LFS sha256, quoted), `X-Linked-Size`, `ETag`
 *   and `X-Repo-Commit`, as the real hub does for LFS files;
 * - Ollama registry: `GET /v2/{namespace}/{name}/manifests/{tag}` (a v2 manifest with a
 *   `application/vnd.ollama.image.model` layer, and license/template/params layers when given)
 *   and `GET /v2/{namespace}/{name}/blobs/sha256:{hex}`, which answers 307 to `/cdn/blobs/{hex}`;
 * - plain files at `/files/{name}`.
 *
 * The CDN paths honour `Range: bytes=N-` (206 with `Content-Range`) unless `ignoreRanges` is set.
 * `cutAfter(n)` makes the next body download stop after n bytes by destroying the socket.
 */
export interface ModelHub {
  url: string;
  /** Every request seen: method, path and Range header. */
  requests: { method: string; path: string; range: string | undefined }[];
  addHfFile(owner: string, repo: string, file: string, bytes: Uint8Array, options?: { revision?: string; advertisedSha256?: string }): void;
  addOllamaModel(name: string, tag: string, bytes: Uint8Array, options?: { namespace?: string; license?: string; template?: string; params?: Record<string, unknown> }): void;
  addPlainFile(name: string, bytes: Uint8Array): void;
  cutAfter(bytes: number): void;
  ignoreRanges: boolean;
  close(): Promise<void>;
}

const sha = (bytes: Uint8Array | string) => createHash('sha256').update(bytes).digest('hex');

export async function startModelHub(): Promise<ModelHub> {
  const blobs = new Map<string, Uint8Array>();
  const hf = new Map<string, { sha256: string; advertised: string; size: number }>();
  const manifests = new Map<string, string>();
  const plain = new Map<string, Uint8Array>();
  const requests: ModelHub['requests'] = [];
  let cut: number | null = null;
  const hub = { ignoreRanges: false };

  const sendBytes = (req: IncomingMessage, res: ServerResponse, bytes: Uint8Array, extra: Record<string, string> = {}) => {
    const match = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
    let start = 0;
    if (match !== null && !hub.ignoreRanges) {
      start = Number(match[1]);
      if (start >= bytes.length) {
        res.writeHead(416, { 'content-range': `bytes */${bytes.length}` }).end();
        return;
      }
      res.writeHead(206, { ...extra, 'content-type': 'application/octet-stream', 'content-length': String(bytes.length - start), 'content-range': `bytes ${start}-${bytes.length - 1}/${bytes.length}`, 'accept-ranges': 'bytes' });
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

  const server = createServer((req, res) => {
    const path = decodeURIComponent((req.url ?? '/').split('?')[0] ?? '/');
    requests.push({ method: req.method ?? 'GET', path, range: req.headers.range });
    let m: RegExpExecArray | null;
    if ((m = /^\/([^/]+)\/([^/]+)\/resolve\/([^/]+)\/(.+)$/.exec(path)) !== null) {
      const file = hf.get(`${m[1]}/${m[2]}/${m[3]}/${m[4]}`);
      if (file === undefined) return void res.writeHead(404, { 'x-error-code': 'EntryNotFound' }).end('Entry not found');
      return void res.writeHead(302, {
        location: `/cdn/lfs/${file.sha256}?signature=imitation`,
        'x-linked-etag': `"${file.advertised}"`,
        'x-linked-size': String(file.size),
        etag: `W/"${sha(file.advertised).slice(0, 40)}"`,
        'x-repo-commit': sha(m[3] ?? '').slice(0, 40),
      }).end();
    }
    if ((m = /^\/cdn\/(?:lfs|blobs)\/([0-9a-f]{64})$/.exec(path)) !== null) {
      const bytes = blobs.get(m[1] as string);
      if (bytes === undefined) return void res.writeHead(404).end();
      return sendBytes(req, res, bytes, { etag: `"${m[1]}"` });
    }
    if ((m = /^\/v2\/([^/]+)\/([^/]+)\/manifests\/([^/]+)$/.exec(path)) !== null) {
      const manifest = manifests.get(`${m[1]}/${m[2]}:${m[3]}`);
      if (manifest === undefined) return void res.writeHead(404, { 'content-type': 'application/json' }).end('{"errors":[{"code":"MANIFEST_UNKNOWN","message":"manifest unknown"}]}');
      return void res.writeHead(200, { 'content-type': 'application/vnd.docker.distribution.manifest.v2+json', 'docker-content-digest': `sha256:${sha(manifest)}` }).end(manifest);
    }
    if ((m = /^\/v2\/[^/]+\/[^/]+\/blobs\/sha256:([0-9a-f]{64})$/.exec(path)) !== null) {
      if (!blobs.has(m[1] as string)) return void res.writeHead(404).end('{"errors":[{"code":"BLOB_UNKNOWN"}]}');
      return void res.writeHead(307, { location: `/cdn/blobs/${m[1]}` }).end();
    }
    if ((m = /^\/files\/(.+)$/.exec(path)) !== null) {
      const bytes = plain.get(m[1] as string);
      if (bytes === undefined) return void res.writeHead(404).end();
      return sendBytes(req, res, bytes);
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  const addBlob = (bytes: Uint8Array): string => {
    const digest = sha(bytes);
    blobs.set(digest, bytes);
    return digest;
  };

  return Object.assign(hub, {
    url: `http://127.0.0.1:${port}`,
    requests,
    addHfFile(owner: string, repo: string, file: string, bytes: Uint8Array, options: { revision?: string; advertisedSha256?: string } = {}) {
      const digest = addBlob(bytes);
      hf.set(`${owner}/${repo}/${options.revision ?? 'main'}/${file}`, { sha256: digest, advertised: options.advertisedSha256 ?? digest, size: bytes.length });
    },
    addOllamaModel(name: string, tag: string, bytes: Uint8Array, options: { namespace?: string; license?: string; template?: string; params?: Record<string, unknown> } = {}) {
      const layer = (mediaType: string, data: Uint8Array) => ({ mediaType, digest: `sha256:${addBlob(data)}`, size: data.length });
      const text = (value: string) => new TextEncoder().encode(value);
      const layers = [layer('application/vnd.ollama.image.model', bytes)];
      if (options.license !== undefined) layers.push(layer('application/vnd.ollama.image.license', text(options.license)));
      if (options.template !== undefined) layers.push(layer('application/vnd.ollama.image.template', text(options.template)));
      if (options.params !== undefined) layers.push(layer('application/vnd.ollama.image.params', text(JSON.stringify(options.params))));
      const config = layer('application/vnd.docker.container.image.v1+json', text(JSON.stringify({ model_format: 'gguf', model_family: 'llama' })));
      manifests.set(`${options.namespace ?? 'library'}/${name}:${tag}`, JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.docker.distribution.manifest.v2+json', config, layers }));
    },
    addPlainFile(name: string, bytes: Uint8Array) {
      plain.set(name, bytes);
    },
    cutAfter(bytes: number) {
      cut = bytes;
    },
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  });
}
