import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ChatEvent, ChatResult } from '../providers/spec.js';
import { restoreChatResult, restoreChatStream } from './restore-stream.js';
import { PlaceholderVault } from './vault.js';

const USAGE = { inputTokens: 3, outputTokens: 5, estimated: false };

function vault(): PlaceholderVault {
  const v = new PlaceholderVault();
  v.placeholderFor('PERSON', 'Jean "Jo" Dupont');
  v.placeholderFor('EMAIL', 'jean@exemple.fr');
  return v;
}

async function* events(list: ChatEvent[]): AsyncGenerator<ChatEvent> {
  for (const e of list) yield e;
}

async function collect(iterable: AsyncIterable<ChatEvent>): Promise<ChatEvent[]> {
  const out: ChatEvent[] = [];
  for await (const e of iterable) out.push(e);
  return out;
}

function textOf(list: ChatEvent[]): string {
  return list.map((e) => (e.type === 'text-delta' ? e.text : '')).join('');
}

function argsOf(list: ChatEvent[], index: number): string {
  return list.map((e) => (e.type === 'tool-call-delta' && e.index === index ? e.argsDelta : '')).join('');
}

describe('restoreChatStream', () => {
  it('restores text split across deltas and flushes before stream-end', async () => {
    const answer = 'Bonjour <PERSON_1>, écrivez à <EMAIL_1>. Fin <PERSON_';
    const deltas: ChatEvent[] = [];
    for (let i = 0; i < answer.length; i += 2) deltas.push({ type: 'text-delta', text: answer.slice(i, i + 2) });
    const out = await collect(
      restoreChatStream(events([{ type: 'stream-start', warnings: [] }, ...deltas, { type: 'stream-end', finish: { reason: 'stop' }, usage: USAGE }]), vault()),
    );
    assert.equal(textOf(out), 'Bonjour Jean "Jo" Dupont, écrivez à jean@exemple.fr. Fin <PERSON_');
    assert.equal(out[0]!.type, 'stream-start');
    assert.deepEqual(out.at(-1), { type: 'stream-end', finish: { reason: 'stop' }, usage: USAGE });
    assert.ok(out.every((e) => e.type !== 'text-delta' || e.text.length > 0));
  });

  it('restores tool-call arguments per call, JSON-escaped, keeping id and name on the first delta', async () => {
    const args0 = '{"to":"<PERSON_1>","cc":"\\u003cEMAIL_1\\u003e"}';
    const args1 = '{"who":"PERSON_1"}';
    const deltas: ChatEvent[] = [];
    deltas.push({ type: 'tool-call-delta', index: 0, id: 'call_a', name: 'send', argsDelta: '' });
    deltas.push({ type: 'tool-call-delta', index: 1, id: 'call_b', name: 'find', argsDelta: args1.slice(0, 9) });
    for (let i = 0; i < args0.length; i += 3) deltas.push({ type: 'tool-call-delta', index: 0, argsDelta: args0.slice(i, i + 3) });
    deltas.push({ type: 'tool-call-delta', index: 1, argsDelta: args1.slice(9) });
    const out = await collect(restoreChatStream(events([...deltas, { type: 'stream-end', finish: { reason: 'tool-calls' }, usage: USAGE }]), vault()));
    assert.deepEqual(JSON.parse(argsOf(out, 0)), { to: 'Jean "Jo" Dupont', cc: 'jean@exemple.fr' });
    assert.deepEqual(JSON.parse(argsOf(out, 1)), { who: 'Jean "Jo" Dupont' });
    assert.deepEqual(
      out.filter((e) => e.type === 'tool-call-delta' && e.id !== undefined).map((e) => e.type === 'tool-call-delta' && [e.index, e.id, e.name]),
      [
        [0, 'call_a', 'send'],
        [1, 'call_b', 'find'],
      ],
    );
    assert.equal(out.at(-1)!.type, 'stream-end');
  });

  it('flushes held text when the source ends without stream-end', async () => {
    const out = await collect(restoreChatStream(events([{ type: 'text-delta', text: 'x <PERS' }]), vault()));
    assert.equal(textOf(out), 'x <PERS');
  });

  it('propagates a failure of the source', async () => {
    async function* failing(): AsyncGenerator<ChatEvent> {
      yield { type: 'text-delta', text: 'a' };
      throw new Error('upstream broke');
    }
    await assert.rejects(collect(restoreChatStream(failing(), vault())), /upstream broke/);
  });

  it('passes events through untouched with an empty vault', async () => {
    const list: ChatEvent[] = [{ type: 'text-delta', text: '<PERSON_1>' }];
    assert.deepEqual(await collect(restoreChatStream(events(list), new PlaceholderVault())), list);
  });

  it('stops the source when the consumer stops early', async () => {
    let closed = false;
    async function* source(): AsyncGenerator<ChatEvent> {
      try {
        for (let i = 0; i < 100; i++) yield { type: 'text-delta', text: `chunk ${i} ` };
      } finally {
        closed = true;
      }
    }
    for await (const e of restoreChatStream(source(), vault())) if (e.type === 'text-delta') break;
    assert.equal(closed, true);
  });
});

describe('restoreChatResult', () => {
  it('restores text and tool-call arguments', () => {
    const result: ChatResult = {
      text: 'Réponse pour <PERSON_1>',
      toolCalls: [{ id: 'c', name: 'mail', arguments: '{"to":"<EMAIL_1>","name":"<PERSON_1>"}' }],
      finish: { reason: 'stop' },
      usage: USAGE,
      warnings: [],
    };
    const restored = restoreChatResult(result, vault());
    assert.equal(restored.text, 'Réponse pour Jean "Jo" Dupont');
    assert.deepEqual(JSON.parse(restored.toolCalls[0]!.arguments), { to: 'jean@exemple.fr', name: 'Jean "Jo" Dupont' });
    assert.equal(result.text, 'Réponse pour <PERSON_1>');
  });

  it('JSON-escapes restored text when the answer is JSON', () => {
    const v = vault();
    v.contentIsJson = true;
    const restored = restoreChatResult({ text: '{"name":"<PERSON_1>"}', toolCalls: [], finish: { reason: 'stop' }, usage: USAGE, warnings: [] }, v);
    assert.deepEqual(JSON.parse(restored.text!), { name: 'Jean "Jo" Dupont' });
  });
});
