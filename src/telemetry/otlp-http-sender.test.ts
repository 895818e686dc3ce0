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
  const server = createNetServer((socket) => {
    connections += 1;
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
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
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
});
