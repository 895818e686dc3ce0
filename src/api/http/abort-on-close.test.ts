import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { connect, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { onAbort } from '../../providers/http/abort-relay.js';
import { abortOnClose } from './abort-on-close.js';

// A server whose handler takes the request's signal and, for `/hold`, keeps the response open
// until told; `/leak` leaves an abort listener on its signal behind.
let server: ReturnType<typeof createServer>;
let port: number;
const seen: { path: string; signal: AbortSignal }[] = [];
const open = new Map<string, ServerResponse>();
const relayed: string[] = [];

before(async () => {
  server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const signal = abortOnClose(res);
    seen.push({ path: req.url ?? '', signal });
    req.resume();
    if (req.url === '/leak') signal.addEventListener('abort', () => undefined);
    if (req.url === '/leak-relay') onAbort(signal, () => undefined);
    if (req.url?.startsWith('/hold')) {
      onAbort(signal, () => relayed.push(req.url ?? ''));
      open.set(req.url, res);
      return;
    }
    res.end('ok');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});

after(() => server.close());

/** Sends keep-alive GETs on one socket, one after the other, and waits for each answer. */
async function sequential(socket: Socket, paths: string[]): Promise<void> {
  for (const path of paths) {
    const answered = new Promise<void>((resolve) => socket.once('data', () => resolve()));
    socket.write(`GET ${path} HTTP/1.1\r\nHost: x\r\nConnection: keep-alive\r\n\r\n`);
    await answered;
  }
}

const connected = (): Promise<Socket> =>
  new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1', () => resolve(socket));
  });

const settle = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 30));

describe('abortOnClose', () => {
  it('gives the requests of one connection one signal, one at a time, and never aborts it for a finished response', async () => {
    seen.length = 0;
    const socket = await connected();
    await sequential(socket, ['/a', '/b', '/c']);
    socket.destroy();
    await settle();
    assert.equal(seen.length, 3);
    assert.equal(seen[0]?.signal, seen[1]?.signal);
    assert.equal(seen[1]?.signal, seen[2]?.signal);
    // The socket closed after every response had finished: nobody was in flight.
    assert.equal(seen[2]?.signal.aborted, true, 'the connection is gone: its signal says so');
  });

  it('aborts the signal of a request in flight when its client goes away, with client_closed', async () => {
    seen.length = 0;
    const socket = await connected();
    socket.write('GET /hold1 HTTP/1.1\r\nHost: x\r\n\r\n');
    while (seen.length === 0) await settle();
    assert.equal(seen[0]?.signal.aborted, false);
    socket.destroy();
    await settle();
    assert.equal(seen[0]?.signal.aborted, true);
    assert.equal((seen[0]?.signal.reason as { code?: string } | undefined)?.code, 'client_closed');
    assert.deepEqual(relayed, ['/hold1'], 'work watching the signal (an upstream call) is told');
    open.delete('/hold1');
  });

  it('gives a fresh signal after a request left an abort listener behind, and to a new connection', async () => {
    seen.length = 0;
    const first = await connected();
    await sequential(first, ['/leak', '/after']);
    const second = await connected();
    await sequential(second, ['/other', '/leak-relay', '/after-relay']);
    assert.notEqual(seen[0]?.signal, seen[1]?.signal, 'a listener was left on the first: the next request does not inherit it');
    assert.notEqual(seen[1]?.signal, seen[2]?.signal, 'connections do not share');
    assert.equal(seen[2]?.signal, seen[3]?.signal);
    assert.notEqual(seen[3]?.signal, seen[4]?.signal, 'a relay listener left behind counts too');
    // The second request's own signal fires only if its response closes unfinished: it finished.
    first.destroy();
    second.destroy();
    await settle();
    assert.equal(seen[1]?.signal.aborted, false);
  });

  it('gives a pipelined request a signal of its own while the one before is in flight', async () => {
    seen.length = 0;
    const socket = await connected();
    socket.write('GET /hold2 HTTP/1.1\r\nHost: x\r\n\r\nGET /hold3 HTTP/1.1\r\nHost: x\r\n\r\n');
    for (let i = 0; i < 50 && seen.length < 2; i++) await settle();
    assert.equal(seen.length, 2, 'node hands both pipelined requests to the handler at once');
    assert.notEqual(seen[0]?.signal, seen[1]?.signal);
    socket.destroy();
    await settle();
    assert.equal(seen[0]?.signal.aborted, true, 'the request in flight learns that its client went away');
    open.clear();
  });
});
