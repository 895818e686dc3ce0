import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { keylessLoopbackPrincipal } from '../../auth/index.js';
import { keylessFor } from './keyless-access.js';

describe('keylessFor: who may call without a key', () => {
  const keyless = keylessLoopbackPrincipal({ models: ['local-chat'], endpoints: ['chat', 'models'] });
  const ollamaChat = { path: '/api/chat' };

  it('gives the key-less principal to a loopback call of the Ollama API', () => {
    for (const address of ['127.0.0.1', '127.8.9.10', '::1', '::ffff:127.0.0.1', '::FFFF:127.0.0.2'])
      assert.equal(keylessFor(address, ollamaChat, keyless), keyless, address);
  });

  it('never to another address, however it is written', () => {
    for (const address of [
      undefined,
      '',
      '192.0.2.2',
      '10.0.0.1',
      '::ffff:192.0.2.2',
      'fd00::2',
      '::',
      '0.0.0.0',
      '128.0.0.1',
      '127.0.0.1.evil',
      '::ffff:127.0.0.1:80',
    ])
      assert.equal(keylessFor(address, ollamaChat, keyless), null, String(address));
  });

  it('never outside the Ollama API, nor when the setting is off or the route unknown', () => {
    for (const path of ['/v1/chat/completions', '/v1/messages', '/v1/responses', '/admin/keys'])
      assert.equal(keylessFor('127.0.0.1', { path }, keyless), null, path);
    assert.equal(keylessFor('127.0.0.1', undefined, keyless), null);
    assert.equal(keylessFor('127.0.0.1', ollamaChat, null), null);
  });
});
