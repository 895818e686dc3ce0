import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { request } from 'undici';
import { startModelHub, type ModelHub } from '../../../test/helpers/model-hub.js';
import { FlambeauError } from '../../errors/index.js';
import { createGuardedAgent, createHopGuard, type ResolveHost } from './hop-guard.js';

let hub: ModelHub;
before(async () => {
  hub = await startModelHub();
  hub.addPlainFile('m.gguf', new Uint8Array([1, 2, 3]));
});
after(() => hub?.close());

/** A public hub (documentation address), and a CDN name that points back at this machine. */
const resolveHost: ResolveHost = async (name) => {
  if (name === 'hub.example') return [{ address: '203.0.113.7', family: 4 }];
  if (name === 'cdn.example') return [{ address: '127.0.0.1', family: 4 }];
  return [];
};

async function refusal(promise: Promise<unknown>): Promise<FlambeauError> {
  try {
    await promise;
  } catch (thrown) {
    assert.ok(thrown instanceof FlambeauError, String(thrown));
    return thrown;
  }
  assert.fail('expected a refusal');
}

describe('the hop guard of downloads', () => {
  it('requests the source as configured and gives only its origin the source headers', async () => {
    const guard = createHopGuard('https://hub.example/api', resolveHost);
    assert.deepEqual(await guard.route(new URL('https://hub.example/a/b')), { dispatcher: undefined, isSource: true });
    const cdn = await guard.route(new URL('https://cdn-lfs.example/x'));
    assert.equal(cdn.isSource, false);
    assert.notEqual(cdn.dispatcher, undefined);
    // Another scheme or port is another origin.
    assert.equal((await guard.route(new URL('http://hub.example/a'))).isSource, false);
    assert.equal((await guard.route(new URL('https://hub.example:8443/a'))).isSource, false);
    await guard.close();
  });

  it('refuses non-http schemes, and loopback literals when the source is not on loopback', async () => {
    const guard = createHopGuard('https://hub.example', resolveHost);
    for (const target of [
      'file:///etc/passwd',
      'ftp://mirror.example/m.gguf',
      'javascript:alert(1)',
      'http://127.0.0.1:1/',
      'http://[::1]:1/',
      'http://[::ffff:127.0.0.1]/',
      'http://169.254.169.254/',
    ]) {
      const failed = await refusal(guard.route(new URL(target)));
      assert.equal(failed.code, 'upstream_failed');
      assert.equal(failed.details.refused, new URL(target).href);
    }
    await guard.close();
    assert.equal((await refusal(Promise.resolve().then(() => createHopGuard('file:///models', resolveHost)))).code, 'invalid_request');
  });

  it('a source whose name does not resolve is not taken for loopback', async () => {
    const guard = createHopGuard('https://unknown.example', resolveHost);
    await refusal(guard.route(new URL('http://127.0.0.1:1/')));
    await guard.close();
  });

  it('checks the address each connection actually goes to: a name resolving to loopback, or a literal past the route check', async () => {
    const agent = createGuardedAgent({ allowLoopback: false }, resolveHost);
    const port = new URL(hub.cdnUrl).port;
    const before = hub.requests.length;
    const byName = await refusal(request(`http://cdn.example:${port}/files/m.gguf`, { dispatcher: agent }));
    assert.match(byName.message, /cdn\.example resolves to 127\.0\.0\.1, a loopback address/);
    const byLiteral = await refusal(request(`${hub.cdnUrl}/files/m.gguf`, { dispatcher: agent }));
    assert.match(byLiteral.message, /connected to 127\.0\.0\.1, a loopback address/);
    assert.equal(hub.requests.length, before, 'no request reached the server');
    await agent.close();
    // The same agent with loopback allowed reaches it: the refusals above were the policy, not the network.
    const allowed = createGuardedAgent({ allowLoopback: true }, resolveHost);
    const response = await request(`http://cdn.example:${port}/files/m.gguf`, { dispatcher: allowed });
    assert.deepEqual([...new Uint8Array(await response.body.arrayBuffer())], [1, 2, 3]);
    await allowed.close();
  });
});
