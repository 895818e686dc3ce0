import { createHash, type Hash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rm, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Dispatcher } from 'undici';
import { FlambeauError } from '../../errors/index.js';
import { withoutSecrets } from './without-secrets.js';
import type { HopGuard } from './hop-guard.js';
import { requestFollowingRedirects } from './request-following-redirects.js';

export interface DownloadRequest {
  url: string;
  /** Bytes land here; a file already there is resumed with `Range: bytes=N-`. */
  partialPath: string;
  /** Lower-case hex; when set, a file that does not match is deleted and the download fails. */
  expectedSha256: string | null;
  /** Bytes the hub or the user declared: the download stops as soon as the server sends more. */
  expectedSize: number | null;
  /** The bound when no size was declared (default UNDECLARED_SIZE_LIMIT_BYTES); tests lower it. */
  maxBytes?: number;
  /**
   * Sent to the guard's source origin only: the hub the user configured, never the CDN it
   * redirects to (for a Hugging Face file `url` already is the CDN's), nor any other origin.
   */
  headers?: Record<string, string>;
  /** Checks every hop (scheme, address, where `headers` may go); the caller closes it. */
  guard: HopGuard;
  signal?: AbortSignal;
  onProgress?: (progress: DownloadProgress) => void;
  /** Told when a download resumes or restarts (for the progress output). */
  onNote?: (note: string) => void;
}

/**
 * A download whose size nobody declared (a plain URL without --size) still stops somewhere: at the
 * Hugging Face hub's limit for one file (50 GB); larger models are published split into parts.
 */
export const UNDECLARED_SIZE_LIMIT_BYTES = 50_000_000_000;

export interface DownloadProgress {
  received: number;
  total: number | null;
}

export interface DownloadResult {
  sha256: string;
  size: number;
  /** Bytes that were already in the partial file and were not downloaded again. */
  resumedFrom: number;
}

/**
 * Streams a URL to `partialPath`, hashing as it goes. Redirects are followed one by one through
 * `req.guard` (http(s) only, no link-local or metadata address, loopback only from a loopback
 * source). Resumes a partial file with an HTTP range (checking `206` and `Content-Range`), starts
 * over when the server ignores ranges, verifies size and sha256 at the end. A cut connection keeps
 * the partial file (the next attempt resumes it) and throws `upstream_failed`; a mismatching file
 * is deleted, and so is one that grows past the declared size (or, with none declared,
 * UNDECLARED_SIZE_LIMIT_BYTES), as soon as it does, whatever the server's Content-Length says.
 */
export async function downloadFile(req: DownloadRequest): Promise<DownloadResult> {
  await mkdir(dirname(req.partialPath), { recursive: true });
  const limit = req.expectedSize ?? req.maxBytes ?? UNDECLARED_SIZE_LIMIT_BYTES;
  let offset = await sizeOf(req.partialPath);
  if (offset > limit) {
    await rm(req.partialPath, { force: true });
    offset = 0;
  }
  const hash = createHash('sha256');
  if (offset > 0) await hashExisting(req.partialPath, hash);
  if (req.expectedSize === null || offset < req.expectedSize) {
    const response = await openDownload(req, offset);
    let start: number;
    try {
      start = offset > 0 ? acceptedOffset(response, offset) : 0;
    } catch (error) {
      response.body.destroy();
      throw error;
    }
    if (offset > 0) req.onNote?.(start === 0 ? 'the server ignored the range request: starting over' : `resuming at ${start} bytes`);
    // A server that ignores ranges sends the whole file: the bytes hashed so far no longer count.
    const active = start === offset ? hash : createHash('sha256');
    const announced = totalOf(response, start);
    if (announced !== null && announced > limit) {
      response.body.destroy();
      await rm(req.partialPath, { force: true });
      throw tooLarge(req, announced, limit);
    }
    await writeBody(response, req, active, start, announced ?? req.expectedSize, limit);
    return finish(req, active, start);
  }
  return finish(req, hash, offset);
}

async function finish(req: DownloadRequest, hash: Hash, resumedFrom: number): Promise<DownloadResult> {
  const size = await sizeOf(req.partialPath);
  const sha256 = hash.digest('hex');
  if (req.expectedSize !== null && size !== req.expectedSize) {
    await rm(req.partialPath, { force: true });
    throw new FlambeauError(
      'upstream_failed',
      `download of ${withoutSecrets(req.url)} gave ${size} bytes, expected ${req.expectedSize}; the file was deleted.`,
      {
        details: { size, expectedSize: req.expectedSize },
      },
    );
  }
  if (req.expectedSha256 !== null && sha256 !== req.expectedSha256.toLowerCase()) {
    await rm(req.partialPath, { force: true });
    throw new FlambeauError(
      'upstream_failed',
      `sha256 mismatch for ${withoutSecrets(req.url)}: got ${sha256}, expected ${req.expectedSha256}; the file was deleted.`,
      {
        details: { sha256, expectedSha256: req.expectedSha256 },
      },
    );
  }
  return { sha256, size, resumedFrom };
}

async function openDownload(req: DownloadRequest, offset: number): Promise<Dispatcher.ResponseData> {
  const headers: Record<string, string> = { 'accept-encoding': 'identity', 'user-agent': 'flambeau' };
  if (offset > 0) headers.range = `bytes=${offset}-`;
  let response: Dispatcher.ResponseData;
  try {
    ({ response } = await requestFollowingRedirects(
      req.url,
      { method: 'GET', headers, sourceHeaders: req.headers ?? {}, ...(req.signal === undefined ? {} : { signal: req.signal }) },
      req.guard,
    ));
  } catch (error) {
    throw cut(req.url, error);
  }
  if (response.statusCode === 200 || response.statusCode === 206) return response;
  const status = response.statusCode;
  await response.body.dump();
  if (status === 416 && offset > 0)
    throw new FlambeauError('upstream_failed', `${withoutSecrets(req.url)} refused the range ${offset}-; delete the partial file and pull again.`, {
      details: { status },
    });
  if (status === 404)
    throw new FlambeauError('model_not_found', `${withoutSecrets(req.url)} was not found (404).`, { details: { status, url: withoutSecrets(req.url) } });
  throw new FlambeauError('upstream_failed', `${withoutSecrets(req.url)} answered HTTP ${status}.`, { details: { status, url: withoutSecrets(req.url) } });
}

/** The offset the server's answer continues from: `offset` for a matching 206, 0 when it sent the whole file. */
function acceptedOffset(response: Dispatcher.ResponseData, offset: number): number {
  if (response.statusCode !== 206) return 0;
  const range = /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec(String(response.headers['content-range'] ?? ''));
  if (range === null || Number(range[1]) !== offset) {
    throw new FlambeauError(
      'upstream_failed',
      `the server answered the range ${offset}- with Content-Range "${String(response.headers['content-range'] ?? '')}".`,
    );
  }
  return offset;
}

function totalOf(response: Dispatcher.ResponseData, start: number): number | null {
  const range = /\/(\d+)$/.exec(String(response.headers['content-range'] ?? ''));
  if (range !== null) return Number(range[1]);
  const length = Number(response.headers['content-length']);
  return Number.isFinite(length) && length >= 0 ? start + length : null;
}

async function writeBody(
  response: Dispatcher.ResponseData,
  req: DownloadRequest,
  hash: Hash,
  start: number,
  total: number | null,
  limit: number,
): Promise<void> {
  const out = createWriteStream(req.partialPath, { flags: start === 0 ? 'w' : 'a' });
  let received = start;
  req.onProgress?.({ received, total });
  try {
    for await (const chunk of response.body as AsyncIterable<Buffer>) {
      // Leaving the loop destroys the body: nothing more is read from a server that sends too much.
      if (received + chunk.length > limit) throw tooLarge(req, null, limit);
      hash.update(chunk);
      received += chunk.length;
      if (!out.write(chunk)) await new Promise<void>((resolve) => out.once('drain', resolve));
      req.onProgress?.({ received, total });
    }
  } catch (error) {
    await closeStream(out);
    if (error instanceof FlambeauError && error.details.tooLarge === true) await rm(req.partialPath, { force: true });
    throw cut(req.url, error, received);
  }
  await closeStream(out);
}

/** `announced`: the size the server's headers gave (refused before reading), or null when the body itself overflowed. */
function tooLarge(req: DownloadRequest, announced: number | null, limit: number): FlambeauError {
  const bound = req.expectedSize !== null ? `the declared size (${limit} bytes)` : `the bound for a download of undeclared size (${limit} bytes; give --size)`;
  const what = announced === null ? `sent more than ${bound}` : `announces ${announced} bytes, more than ${bound}`;
  return new FlambeauError('upstream_failed', `${withoutSecrets(req.url)} ${what}; the download stopped and the partial file was deleted.`, {
    details: { tooLarge: true, limit, announced },
  });
}

function closeStream(out: NodeJS.WritableStream): Promise<void> {
  return new Promise((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())));
}

async function hashExisting(path: string, hash: Hash): Promise<void> {
  for await (const chunk of createReadStream(path) as AsyncIterable<Buffer>) hash.update(chunk);
}

async function sizeOf(path: string): Promise<number> {
  return stat(path).then(
    (s) => s.size,
    () => 0,
  );
}

function cut(url: string, error: unknown, received?: number): FlambeauError {
  if (error instanceof FlambeauError) return error;
  const name = (error as { name?: string }).name;
  if (name === 'AbortError') return new FlambeauError('client_closed', 'The download was cancelled.', { cause: error });
  const code = (error as { code?: string }).code ?? (error as Error).message;
  return new FlambeauError(
    'upstream_failed',
    `download of ${url} was interrupted (${code})${received === undefined ? '' : ` after ${received} bytes; the partial file is kept and the next pull resumes it`}.`,
    { cause: error, details: { received: received ?? null, retryable: true } },
  );
}
