import assert from 'node:assert/strict';
import { once } from 'node:events';
import { connect, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import OpenAI from 'openai';
import { startStandInCloud, type StandInCloud } from '../helpers/stand-in-cloud.js';
import { startTestGateway, type TestGateway } from '../helpers/start-gateway.js';
import { loadConfig } from '../../src/config/load-config.js';
import { FlambeauError } from '../../src/errors/index.js';

// Small limits so that the test runs in seconds; the defaults are the same code with other numbers.
const HEADERS_TIMEOUT_MS = 400;
const REQUEST_TIMEOUT_MS = 800;
const MAX_CONNECTIONS = 3;

/** Opens a raw TCP connection to the gateway and collects whatever it answers until it closes. */
async function rawConnection(url: string): Promise<{ socket: Socket; closed: Promise<string> }> {
  const { hostname, port } = new URL(url);
  const socket = connect({ host: hostname, port: Number(port) });
  const chunks: Buffer[] = [];
  socket.on('data', (chunk: Buffer) => chunks.push(chunk));
  const closed = new Promise<string>((resolve) => {
    socket.on('close', () => resolve(Buffer.concat(chunks).toString('utf8')));
    socket.on('error', () => undefined);
  });
  await once(socket, 'connect');
  return { socket, closed };
}

/** Sends a byte every `everyMs` until the socket closes. */
function trickle(socket: Socket, everyMs: number): () => void {
  const timer = setInterval(() => {
    if (!socket.destroyed && socket.writable) socket.write('x');
  }, everyMs);
  socket.once('close', () => clearInterval(timer));
  return () => clearInterval(timer);
}

function statusOf(answer: string): number {
  return Number(/^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1] ?? 0);
}

function codeOf(answer: string): string | undefined {
  const body = answer.slice(answer.indexOf('\r\n\r\n') + 4);
  return (JSON.parse(body) as { error: { code: string } }).error.code;
}

describe('server.* slow-client settings', () => {
  it('load with their defaults, and refuse a header timeout above the request timeout or a zero', () => {
    const defaults = loadConfig({ env: {}, cwd: '/nonexistent', home: '/nonexistent/home' }).server;
    assert.deepEqual(
      { headers: defaults.headersTimeoutMs, request: defaults.requestTimeoutMs, keepAlive: defaults.keepAliveTimeoutMs, max: defaults.maxConnections },
      { headers: 20_000, request: 60_000, keepAlive: 65_000, max: 1024 },
    );
    assert.throws(
      () => loadConfig({ env: { FLAMBEAU_HEADERS_TIMEOUT_MS: '90000' }, cwd: '/nonexistent', home: '/nonexistent/home' }),
      (error: unknown) => {
        assert.ok(error instanceof FlambeauError);
        assert.equal(error.code, 'config_invalid');
        assert.equal(error.param, 'server.headers_timeout_ms');
        return true;
      },
    );
    assert.throws(() => loadConfig({ env: { FLAMBEAU_MAX_CONNECTIONS: '0' }, cwd: '/nonexistent', home: '/nonexistent/home' }), /server\.max_connections/);
  });
});

describe('slow clients: header and body timeouts, and a connection cap', () => {
  let cloud: StandInCloud;
  let gw: TestGateway;

  before(async () => {
    cloud = await startStandInCloud();
    gw = await startTestGateway({
      server: { headers_timeout_ms: HEADERS_TIMEOUT_MS, request_timeout_ms: REQUEST_TIMEOUT_MS },
      providers: [{ id: 'cloud', type: 'openai-compatible', base_url: cloud.openaiBaseUrl, locality: 'cloud' }],
      models: [{ name: 'cloud-small', provider: 'cloud', model: 'upstream-small' }],
    });
  });
  after(async () => {
    await gw.close();
    await cloud.close();
  });

  it('a chunked body trickling one byte at a time is cut off with 408 request_timeout', async () => {
    const { socket, closed } = await rawConnection(gw.url);
    socket.write(
      `POST /v1/chat/completions HTTP/1.1\r\nhost: x\r\nauthorization: Bearer ${gw.key}\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n`,
    );
    // One byte per chunk, each well inside the timeout: only the total is over it.
    const timer = setInterval(() => {
      if (!socket.destroyed && socket.writable) socket.write('1\r\n{\r\n');
    }, REQUEST_TIMEOUT_MS / 8);
    const answer = await closed;
    clearInterval(timer);
    assert.equal(statusOf(answer), 408, answer);
    assert.equal(codeOf(answer), 'request_timeout');
    assert.equal(cloud.requests.length, 0);
  });

  it('headers that never finish are cut off with 408, as is a connection that sends nothing', async () => {
    const partial = await rawConnection(gw.url);
    partial.socket.write('POST /v1/chat/completions HTTP/1.1\r\nhost: x\r\n');
    trickle(partial.socket, HEADERS_TIMEOUT_MS / 8);
    const silent = await rawConnection(gw.url);
    const [slowHeaders, nothing] = await Promise.all([partial.closed, silent.closed]);
    assert.equal(statusOf(slowHeaders), 408, slowHeaders);
    assert.equal(codeOf(slowHeaders), 'request_timeout');
    // A connection that never started a request is closed without an answer, or with a 408.
    assert.ok(nothing === '' || statusOf(nothing) === 408, nothing);
  });

  it('a streamed answer that lasts longer than the request timeout is not cut', async () => {
    const words = 'one two three four five six seven eight';
    // 8 frames, each after REQUEST_TIMEOUT_MS / 4: the answer takes about twice the timeout.
    cloud.script({ kind: 'slow', delayMs: REQUEST_TIMEOUT_MS / 4, then: { kind: 'reply', text: words } });
    const client = new OpenAI({ baseURL: gw.baseURL, apiKey: gw.key, maxRetries: 0 });
    let text = '';
    const started = Date.now();
    for await (const chunk of await client.chat.completions.create({ model: 'cloud-small', messages: [{ role: 'user', content: 'hi' }], stream: true })) {
      text += chunk.choices[0]?.delta?.content ?? '';
    }
    assert.equal(text, words);
    // Not a timing threshold: a check that the test did exercise an answer longer than the timeout.
    assert.ok(Date.now() - started > REQUEST_TIMEOUT_MS, 'the answer outlasted the request timeout');
  });

  it(`drops connections past server.max_connections (${MAX_CONNECTIONS}); those already open keep working`, async () => {
    // A gateway of its own: no other client holds one of its connections.
    await using capped = await startTestGateway({ server: { max_connections: MAX_CONNECTIONS } });
    // Keep-alive connections that completed a request: the server has certainly accepted them.
    const open: Socket[] = [];
    for (let i = 0; i < MAX_CONNECTIONS; i++) {
      const { socket } = await rawConnection(capped.url);
      socket.write('GET /healthz HTTP/1.1\r\nhost: x\r\n\r\n');
      await once(socket, 'data');
      open.push(socket);
    }
    const extra = await rawConnection(capped.url);
    extra.socket.write('GET /healthz HTTP/1.1\r\nhost: x\r\n\r\n');
    assert.equal(await extra.closed, '', 'the connection past the cap is dropped without an answer');
    const first = open[0] as Socket;
    first.write('GET /healthz HTTP/1.1\r\nhost: x\r\n\r\n');
    const [again] = (await once(first, 'data')) as [Buffer];
    assert.equal(statusOf(again.toString('utf8')), 200);
    for (const socket of open) socket.destroy();
  });
});
