import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FlambeauError } from '../errors/index.js';
import { isAdmin, MASTER_PRINCIPAL, type KeyPrincipal } from './principal.js';
import { allowsModel, checkScope, scopeAllows, type ScopeRequest } from './scope.js';

const key: KeyPrincipal = {
  ...MASTER_PRINCIPAL,
  kind: 'key',
  keyId: 'abc123abc123',
  name: 'k',
  scopes: { models: ['gpt-small', 'auto', 'local-*'], endpoints: ['chat', 'models'], collections: ['handbook'] },
};

describe('scopes', () => {
  it('makes an admin of the master key and of a key naming `admin` exactly, never of `*` or a pattern', () => {
    const withEndpoints = (endpoints: string[]): KeyPrincipal => ({ ...key, scopes: { ...key.scopes, endpoints } });
    assert.equal(isAdmin(MASTER_PRINCIPAL), true);
    assert.equal(isAdmin(withEndpoints(['chat', 'admin'])), true);
    assert.equal(isAdmin(withEndpoints(['*'])), false);
    assert.equal(isAdmin(withEndpoints(['a*'])), false);
    assert.equal(isAdmin(withEndpoints(['chat', 'models'])), false);
    assert.equal(isAdmin({ ...withEndpoints(['admin']), kind: 'loopback' }), false);
  });

  it('matches *, exact names and prefix patterns', () => {
    const cases: [string[], string, boolean][] = [
      [['*'], 'anything', true],
      [['gpt-small'], 'gpt-small', true],
      [['gpt-small'], 'gpt-smaller', false],
      [['local-*'], 'local-chat', true],
      [['local-*'], 'cloud-chat', false],
      [[], 'gpt-small', false],
    ];
    for (const [list, name, expected] of cases) assert.equal(scopeAllows(list, name), expected, `${list.join(',')} ~ ${name}`);
    assert.equal(allowsModel(key, 'auto'), true);
    assert.equal(allowsModel(key, 'claude'), false);
  });

  it('lets in-scope requests through', () => {
    const allowed: ScopeRequest[] = [
      { endpoint: 'chat', model: 'gpt-small' },
      { endpoint: 'chat', model: 'auto' },
      { endpoint: 'chat', model: 'local-qwen' },
      { endpoint: 'models' },
      { endpoint: 'chat', model: 'auto', collections: ['handbook'] },
    ];
    for (const request of allowed) checkScope(key, request);
    checkScope(MASTER_PRINCIPAL, { endpoint: 'knowledge', model: 'x', collections: ['secret'] });
  });

  it('refuses out-of-scope requests with 403 forbidden naming what is not allowed', () => {
    const cases: [ScopeRequest, string, RegExp][] = [
      [{ endpoint: 'chat', model: 'claude' }, 'model', /may not use the model `claude`.*allowed: gpt-small, auto, local-\*/],
      [{ endpoint: 'embeddings', model: 'gpt-small' }, 'endpoint', /may not call the embeddings endpoint \(allowed: chat, models\)/],
      [{ endpoint: 'chat', model: 'auto', collections: ['handbook', 'payroll', 'hr'] }, 'collections', /collections `payroll`, `hr`/],
    ];
    for (const [request, denied, message] of cases) {
      assert.throws(
        () => checkScope(key, request),
        (error: unknown) => {
          assert.ok(error instanceof FlambeauError);
          assert.equal(error.code, 'forbidden');
          assert.equal(error.status, 403);
          assert.equal(error.details.denied, denied);
          assert.match(error.message, message);
          return true;
        },
      );
    }
  });
});
