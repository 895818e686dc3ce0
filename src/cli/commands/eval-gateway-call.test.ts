import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { GatewayClient } from '../client.js';
import { CliExit } from '../exit-codes.js';
import { gatewayCall } from './eval-gateway-call.js';

type Reply = (res: ServerResponse) => void;

describe('gatewayCall: one eval call as the CLI makes it', () => {
  const replies: Reply[] = [];
  const seen: IncomingMessage[] = [];
  let url: string;
  const server = createServer((req, res) => {
    seen.push(req);
    req.resume();
    req.on('end', () => (replies.shift() ?? ((r: ServerResponse) => r.writeHead(500).end()))(res));
  });
  const json =
    (status: number, body: unknown, headers: Record<string, string> = {}): Reply =>
    (res) => {
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(JSON.stringify(body));
    };
  const completion = {
    choices: [{ message: { role: 'assistant', content: 'Paris', tool_calls: [{ id: 't', type: 'function', function: { name: 'f', arguments: '{"a":1}' } }] } }],
    usage: { prompt_tokens: 7, completion_tokens: 2 },
  };
  const call = () =>
    gatewayCall(new GatewayClient({ url, key: 'k' }), 5_000)({ model: 'm', body: { model: 'm' }, requestId: 'ev-x-1-1', signal: new AbortController().signal });

  before(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('sends the request id and reads the answer, tool calls and usage', async () => {
    replies.push(json(200, completion));
    const result = await call();
    assert.equal(seen.at(-1)?.headers['x-request-id'], 'ev-x-1-1');
    assert.equal(seen.at(-1)?.headers.authorization, 'Bearer k');
    assert.ok(result.ok);
    assert.deepEqual([result.answer, result.inputTokens, result.outputTokens], [{ text: 'Paris', toolCalls: [{ name: 'f', arguments: '{"a":1}' }] }, 7, 2]);
  });

  it('waits out a 429 as Retry-After says, then answers', async () => {
    const before = seen.length;
    replies.push(json(429, { error: { code: 'rate_limited' } }, { 'retry-after': '0' }), json(200, completion));
    assert.equal((await call()).ok, true);
    assert.equal(seen.length - before, 2);
  });

  it('gives refusals and unreadable answers as results, and stops on a refused key', async () => {
    replies.push(json(403, { error: { code: 'policy_denied', message: 'EMAIL may not leave' } }));
    assert.deepEqual(await call().then((r) => (r.ok ? null : [r.errorCode, r.status])), ['policy_denied', 403]);
    replies.push(json(429, { error: { code: 'rate_limited' } }));
    assert.deepEqual(await call().then((r) => (r.ok ? null : r.errorCode)), 'rate_limited', 'no Retry-After: not retried');
    replies.push((res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"choices": []}'));
    assert.deepEqual(await call().then((r) => (r.ok ? null : r.errorCode)), 'unreadable_answer');
    replies.push((res) => res.writeHead(502).end('<html>bad gateway</html>'));
    assert.deepEqual(await call().then((r) => (r.ok ? null : r.errorCode)), 'http_502');
    replies.push(json(401, { error: { code: 'unauthenticated' } }));
    await assert.rejects(call(), (error) => error instanceof CliExit && error.exitCode === 4);
  });
});
