import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { FlambeauError } from '../../errors/index.js';
import { readLimited, UpstreamClient } from './upstream-client.js';

// A stand-in that never answers `/silent`, and sends headers then stalls on `/stall`.
describe('upstream client: aborts', () => {
  let server: Server;
  let base: string;
  before(async () => {
    server = createServer((req, res) => {
      if (req.url?.endsWith('/stall')) {
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.write('a');
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('maps the total timeout to upstream_timeout (total) before the headers', async () => {
    const client = new UpstreamClient({ baseUrl: base, label: 'stand-in', timeouts: { totalTimeoutMs: 100 } });
    const error = await client.request({ method: 'GET', path: '/silent', headers: {}, signal: new AbortController().signal }).catch((e: unknown) => e);
    assert.ok(error instanceof FlambeauError);
    assert.deepEqual([error.code, error.details.timeout], ['upstream_timeout', 'total']);
    await client.close();
  });

  it("rejects with the caller's reason when the caller aborts, before or after the headers", async () => {
    const client = new UpstreamClient({ baseUrl: base, label: 'stand-in' });
    const reason = new FlambeauError('client_closed', 'gone');
    const early = new AbortController();
    setTimeout(() => early.abort(reason), 50);
    assert.equal(await client.request({ method: 'GET', path: '/silent', headers: {}, signal: early.signal }).catch((e: unknown) => e), reason);
    const done = new AbortController();
    done.abort(reason);
    assert.equal(await client.request({ method: 'GET', path: '/silent', headers: {}, signal: done.signal }).catch((e: unknown) => e), reason);
    const late = new AbortController();
    const response = await client.request({ method: 'GET', path: '/stall', headers: {}, signal: late.signal });
    const reading = (async () => {
      for await (const chunk of response.body) void chunk;
    })().catch((e: unknown) => e);
    setTimeout(() => late.abort(reason), 50);
    assert.equal(await reading, reason);
    await client.close();
  });
});

describe('readLimited', () => {
  it('reads a body whole, or its first `limit` bytes and then stops reading', async () => {
    assert.equal(await readLimited(Readable.from([Buffer.from('ab'), Buffer.from('cd')]), 100), 'abcd');
    assert.equal(await readLimited(Readable.from([Buffer.from('')]), 100), '');
    const long = Readable.from([Buffer.from('abc'), Buffer.from('def'), Buffer.from('ghi')]);
    assert.equal(await readLimited(long, 4), 'abcd');
    assert.equal(long.destroyed, true);
  });

  it('fails when the body breaks or closes before its end, as iterating it would', async () => {
    const broken = new Readable({ read() {} });
    broken.push(Buffer.from('ab'));
    setImmediate(() => broken.destroy(new Error('socket hang up')));
    await assert.rejects(readLimited(broken, 100), /socket hang up/);
    const cut = new Readable({ read() {} });
    cut.push(Buffer.from('ab'));
    setImmediate(() => cut.destroy());
    await assert.rejects(readLimited(cut, 100), { code: 'ERR_STREAM_PREMATURE_CLOSE' });
  });
});

// `requestText` must answer and fail as `request` then `readLimited` (through `transportError`) did.
describe('upstream client: requestText reads a whole answer as request + readLimited do', () => {
  let server: Server;
  let base: string;
  before(async () => {
    server = createServer((req, res) => {
      const path = req.url ?? '';
      if (path.endsWith('/ok')) res.end(JSON.stringify({ path, traceparent: req.headers.traceparent ?? null, body: 'é'.repeat(10) }));
      else if (path.endsWith('/big')) res.end('x'.repeat(100_000));
      else if (path.endsWith('/fail')) {
        res.writeHead(429, { 'retry-after': '7', 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { message: 'slow down', type: 'rate_limit' } }));
      } else if (path.endsWith('/huge-error')) {
        res.writeHead(500);
        res.end(`{"error":{"message":"${'m'.repeat(40_000)}"}}`);
      } else if (path.endsWith('/broken')) {
        res.writeHead(200, { 'content-length': '100' });
        res.write('partial');
        setTimeout(() => res.destroy(), 20);
      } else if (path.endsWith('/broken-error')) {
        res.writeHead(503, { 'content-length': '100' });
        res.write('{"error":');
        setTimeout(() => res.destroy(), 20);
      } else if (path.endsWith('/stall')) {
        res.writeHead(200);
        res.write('a');
      }
      // `/silent`: never answers.
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  const viaStream = async (client: UpstreamClient, path: string, limit: number, signal: AbortSignal): Promise<unknown> => {
    try {
      const response = await client.request({ method: 'POST', path, headers: {}, body: '{}', signal });
      try {
        return await readLimited(response.body, limit);
      } catch (error) {
        throw client.transportError(error, signal);
      }
    } catch (error) {
      return describe_(error);
    }
  };
  const viaText = (client: UpstreamClient, path: string, limit: number, signal: AbortSignal): Promise<unknown> =>
    client.requestText({ method: 'POST', path, headers: {}, body: '{}', signal }, limit).catch(describe_);
  const describe_ = (error: unknown): unknown =>
    error instanceof FlambeauError ? { code: error.code, message: error.message, details: error.details } : { thrown: String(error) };

  it('gives the same text or the same error', async () => {
    const client = new UpstreamClient({ baseUrl: base, label: 'stand-in', timeouts: { totalTimeoutMs: 300 } });
    for (const [path, limit] of [
      ['/ok', 1_000],
      ['/big', 1_000_000],
      ['/big', 1_000],
      ['/fail', 1_000],
      ['/huge-error', 1_000_000],
      ['/broken', 1_000],
      ['/broken-error', 1_000],
      ['/stall', 1_000],
      ['/silent', 1_000],
    ] as const) {
      const signal = new AbortController().signal;
      assert.deepEqual(await viaText(client, path, limit, signal), await viaStream(client, path, limit, signal), path);
    }
    const failed = (await viaText(client, '/fail', 1_000, new AbortController().signal)) as { code: string; details: Record<string, unknown> };
    assert.deepEqual([failed.code, failed.details.upstreamStatus, failed.details.retryAfter], ['upstream_failed', 429, '7']);
    await client.close();
  });

  it("fails with the caller's reason when the caller aborts, before, during or after the headers", async () => {
    const client = new UpstreamClient({ baseUrl: base, label: 'stand-in' });
    const reason = new FlambeauError('client_closed', 'gone');
    const done = new AbortController();
    done.abort(reason);
    assert.equal(await client.requestText({ method: 'GET', path: '/silent', headers: {}, signal: done.signal }, 100).catch((e: unknown) => e), reason);
    for (const path of ['/silent', '/stall']) {
      const later = new AbortController();
      setTimeout(() => later.abort(reason), 50);
      assert.equal(await client.requestText({ method: 'GET', path, headers: {}, signal: later.signal }, 100).catch((e: unknown) => e), reason, path);
    }
    // The pool still serves calls after the cut ones.
    assert.match(await client.requestText({ method: 'GET', path: '/ok', headers: {}, signal: new AbortController().signal }, 1_000), /"path":"\/v1\/ok"/);
    await client.close();
  });
});
