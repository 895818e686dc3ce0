import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isCollectionName } from '../../knowledge/rag-model-name.js';
import { namedCollections } from '../../gateway/stages/retrieve.js';
import { parseChatBody } from './chat-completions-wire.js';

const body = (extra: Record<string, unknown>) => ({ model: 'm', messages: [{ role: 'user', content: 'hi' }], ...extra });

describe('chat body: knowledge collections', () => {
  it('accepts in `flambeau.knowledge` every name that ingest and rag: accept, and only those', () => {
    const names = ['réunions', '_archive', 'notes.2026', 'Büro-Akten', '-x', '.hidden', 'a b', 'a/b', 'x'.repeat(65), ''];
    for (const name of names) {
      const viaBody = (() => {
        try {
          return parseChatBody(body({ flambeau: { knowledge: [name] } })).knowledge;
        } catch (error) {
          assert.deepEqual([(error as { code?: string }).code, (error as { param?: string }).param], ['invalid_request', 'flambeau.knowledge[0]'], name);
          return null;
        }
      })();
      assert.deepEqual(viaBody, isCollectionName(name) ? [name] : null, name);
    }
    assert.ok(isCollectionName('réunions') && isCollectionName('_archive') && !isCollectionName('.hidden'));
    // A `rag:` model name adds its collections to the body's, once each (read by the gateway, for every protocol).
    const parsed = parseChatBody(body({ model: 'rag:réunions+_archive/auto', flambeau: { knowledge: ['réunions'] } }));
    const named = namedCollections(parsed.request, parsed.knowledge);
    assert.deepEqual(named.collections, ['réunions', '_archive']);
    assert.equal(named.request.model, 'auto');
  });
});
