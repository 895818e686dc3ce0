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

describe('chat body: the plain-body fast check', () => {
  // An unknown top-level field always sends a body through zod: the same body with and without one
  // must parse alike (apart from the passthrough) or fail alike.
  const outcome = (raw: Record<string, unknown>): unknown => {
    try {
      const parsed = parseChatBody(raw);
      delete parsed.request.passthrough;
      return parsed;
    } catch (error) {
      const e = error as { code?: string; param?: string; message?: string };
      return { code: e.code, param: e.param, message: e.message };
    }
  };
  const cases: Record<string, unknown>[] = [
    body({}),
    body({ stream: true, max_tokens: 32, temperature: 0.5, top_p: 1, user: 'u' }),
    body({ stream: null, max_tokens: null, max_completion_tokens: 7, temperature: null, top_p: null }),
    body({
      messages: [
        { role: 'system', content: 's' },
        { role: 'developer', content: 'd' },
        { role: 'user', content: 'q' },
        { role: 'assistant', content: 'a' },
      ],
    }),
    body({ temperature: 2.5 }),
    body({ temperature: -0.1 }),
    body({ top_p: 1.5 }),
    body({ max_tokens: 0 }),
    body({ max_tokens: 1.5 }),
    body({ max_completion_tokens: -3 }),
    body({ stream: 'yes' }),
    body({ user: 3 }),
    body({ model: '' }),
    body({ model: 'x'.repeat(257) }),
    body({ model: 3 }),
    body({ messages: [] }),
    body({ messages: 'hi' }),
    body({ messages: [{ role: 'user', content: null }] }),
    body({ messages: [{ role: 'assistant', content: '' }] }),
    body({ messages: [{ role: 'robot', content: 'x' }] }),
    body({ messages: [{ role: 'user' }] }),
    body({ messages: [{ role: 'user', content: 'x', name: 'n' }] }),
    body({ messages: [{ role: 'user', content: 'x', extra: 1 }] }),
    body({ messages: [{ role: 'tool', content: 'x', tool_call_id: 'c' }] }),
    body({ messages: [null] }),
    { messages: [{ role: 'user', content: 'hi' }] },
  ];
  it('accepts and refuses exactly as zod does', () => {
    for (const raw of cases) assert.deepEqual(outcome(raw), outcome({ ...raw, x_extra: 1 }), JSON.stringify(raw).slice(0, 120));
  });
});
