import assert from 'node:assert/strict';
import { createServer as createNetServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import { createOtlpHttpSender } from './otlp-http-sender.js';

const OK = 'HTTP/1.1 200 OK\r\ncontent-type: application/x-protobuf\r\ncontent-length: 0\r\nconnection: keep-alive\r\n\r\n';

/** A raw HTTP/1.1 server: `answer` decides, per request head seen on a connection, what to do. */
async function rawServer(answer: (socket: Socket, head: string, nth: number) => void) {
  const heads: string[] = [];
  let connections = 0;
  let closed = 0;
  const server = createNetServer((socket) => {
    connections += 1;
    socket.on('close', () => (closed += 1));
    let nth = 0;
    socket.on('data', (chunk) => {
      const text = chunk.toString('latin1');
      if (!text.startsWith('POST')) return; // the body's bytes
      heads.push(text.slice(0, text.indexOf('\r\n\r\n')));
      answer(socket, text, nth++);
    });
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/traces`,
    heads,
    connections: () => connections,
    /** Connections the client closed (or the server ended). */
    closed: () => closed,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** An answer that never completes: the status line and headers, then one body byte every 100 ms (for 100 s). */
function trickle(socket: Socket): void {
  socket.write('HTTP/1.1 200 OK\r\ncontent-type: application/x-protobuf\r\ncontent-length: 1000\r\n\r\n');
  const drip = setInterval(() => socket.write('x'), 100);
  socket.on('close', () => clearInterval(drip));
}

/** `promise`, or a rejection when it is still pending after `ms`: proves it finishes, not how fast. */
function beforeGuard<T>(promise: Promise<T>, ms = 10_000): Promise<T> {
  let guard: NodeJS.Timeout | undefined;
  const timeUp = new Promise<never>((_, reject) => (guard = setTimeout(() => reject(new Error(`still pending after ${ms} ms`)), ms)));
  return Promise.race([promise, timeUp]).finally(() => clearTimeout(guard));
}

/** Resolves once `condition` holds (checked every 10 ms), or rejects after the guard. */
async function eventually(condition: () => boolean, ms = 10_000): Promise<void> {
  await beforeGuard(
    (async () => {
      while (!condition()) await new Promise((resolve) => setTimeout(resolve, 10));
    })(),
    ms,
  );
}

describe('OTLP/HTTP sender', () => {
  it('POSTs the body as application/x-protobuf, keeps the connection, and retries once on a kept-alive one found closed', async () => {
    const server = await rawServer((socket, _head, nth) => {
      if (nth === 1)
        socket.destroy(); // the second request on the first connection: closed under it
      else socket.write(OK);
    });
    const sender = createOtlpHttpSender(server.url);
    try {
      await sender.send(new Uint8Array([1, 2, 3]));
      await sender.send(new Uint8Array([4, 5]));
      assert.equal(server.connections(), 2);
      assert.equal(server.heads.length, 3);
      assert.match(server.heads[0] as string, /^POST \/v1\/traces HTTP\/1.1/);
      assert.match(server.heads[0] as string, /content-type: application\/x-protobuf/i);
      assert.match(server.heads[2] as string, /content-length: 2/i);
    } finally {
      sender.close();
      await server.close();
    }
  });

  it('rejects on a non-2xx answer, and on a connection refused, without retrying', async () => {
    const server = await rawServer((socket) => socket.write('HTTP/1.1 503 Service Unavailable\r\ncontent-length: 0\r\n\r\n'));
    const sender = createOtlpHttpSender(server.url);
    try {
      await assert.rejects(sender.send(new Uint8Array([1])), /503/);
      assert.equal(server.heads.length, 1);
    } finally {
      sender.close();
      await server.close();
    }
    const refused = createOtlpHttpSender(server.url);
    await assert.rejects(refused.send(new Uint8Array([1])), { code: 'ECONNREFUSED' });
    refused.close();
  });

  it('fails an answer trickled a byte at a time at the deadline, destroys its connection, and sends the next on a new one', async () => {
    // The first request gets a trickle that would last 100 s; later ones an immediate 200.
    const server = await rawServer((socket) => (server.heads.length === 1 ? trickle(socket) : socket.write(OK)));
    const sender = createOtlpHttpSender(server.url, 300);
    try {
      await assert.rejects(beforeGuard(sender.send(new Uint8Array([1]))), /within 300 ms/);
      await eventually(() => server.closed() === 1);
      await beforeGuard(sender.send(new Uint8Array([2])));
      assert.equal(server.heads.length, 2);
      assert.equal(server.connections(), 2);
    } finally {
      sender.close();
      await server.close();
    }
  });

  it('fails at the deadline when the collector accepts and never answers, then sends the next batch', async () => {
    const server = await rawServer((socket) => (server.heads.length === 1 ? undefined : socket.write(OK)));
    const sender = createOtlpHttpSender(server.url, 300);
    try {
      await assert.rejects(beforeGuard(sender.send(new Uint8Array([1]))), /within 300 ms/);
      await beforeGuard(sender.send(new Uint8Array([2])));
      assert.equal(server.heads.length, 2);
    } finally {
      sender.close();
      await server.close();
    }
  });

  it('abandons the exchange when its signal aborts, closing the connection', async () => {
    const server = await rawServer(trickle);
    const sender = createOtlpHttpSender(server.url, 60_000);
    const abort = new AbortController();
    try {
      const sent = sender.send(new Uint8Array([1]), abort.signal);
      await eventually(() => server.heads.length === 1);
      abort.abort();
      await assert.rejects(beforeGuard(sent), /abandoned/);
      await eventually(() => server.closed() === 1);
      await assert.rejects(sender.send(new Uint8Array([1]), abort.signal), /abandoned/); // already aborted: nothing sent
      assert.equal(server.heads.length, 1);
    } finally {
      sender.close();
      await server.close();
    }
  });
});
