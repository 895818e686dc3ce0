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
