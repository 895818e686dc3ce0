import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FlambeauError } from '../errors/index.js';
import type { ChatEvent, ChatRequest } from '../providers/spec.js';
import type { Detector } from './pii-types.js';
import { createPrivacyGuard } from './privacy-guard.js';
import { privacyConfigSchema } from './privacy-config.js';

const request: ChatRequest = {
  model: 'm',
  messages: [
    { role: 'system', content: 'Tu aides le service client.' },
    { role: 'user', content: 'Je suis Mme Sophie Lambert, IBAN FR76 3000 6000 0112 3456 7890 189, écrivez à sophie.lambert@exemple.fr.' },
  ],
};

async function* answer(text: string): AsyncGenerator<ChatEvent> {
  yield { type: 'stream-start', warnings: [] };
  for (const ch of text) yield { type: 'text-delta', text: ch };
  yield { type: 'stream-end', finish: { reason: 'stop' }, usage: { inputTokens: null, outputTokens: null, estimated: false } };
}

describe('createPrivacyGuard', () => {
  const guard = createPrivacyGuard(privacyConfigSchema.parse({ lan: 'redact', device: 'allow', custom: [{ type: 'CLIENT', words: ['Banque Exemple'] }] }));

  it('pseudonymizes for cloud and restores the streamed and whole answers', async () => {
    const prepared = guard.prepareChat(request, 'cloud');
    assert.ok(prepared.allowed);
    assert.equal(prepared.action, 'pseudonymize');
    assert.equal(prepared.request.messages[1]!.content, 'Je suis Mme <PERSON_1>, IBAN <IBAN_1>, écrivez à <EMAIL_1>.');
    assert.deepEqual(prepared.findings, { PERSON: 1, IBAN: 1, EMAIL: 1 });
    const model = 'Bien reçu <Person_1>, le compte [IBAN_1] sera remboursé ; confirmation à EMAIL_1.';
    let text = '';
    for await (const e of guard.restoreStream(answer(model), prepared.vault)) if (e.type === 'text-delta') text += e.text;
    const expected = 'Bien reçu Sophie Lambert, le compte FR76 3000 6000 0112 3456 7890 189 sera remboursé ; confirmation à sophie.lambert@exemple.fr.';
    assert.equal(text, expected);
    const whole = guard.restoreResult(
      { text: model, toolCalls: [], finish: { reason: 'stop' }, usage: { inputTokens: null, outputTokens: null, estimated: false }, warnings: [] },
      prepared.vault,
    );
    assert.equal(whole.text, expected);
  });

  it('redacts for lan, passes device requests through, and reports findings either way', () => {
    const lan = guard.prepareChat(request, 'lan');
    assert.ok(lan.allowed);
    assert.equal(lan.request.messages[1]!.content, 'Je suis Mme <PERSON>, IBAN <IBAN>, écrivez à <EMAIL>.');
    const device = guard.prepareChat(request, 'device');
    assert.ok(device.allowed);
    assert.equal(device.request, request);
    assert.deepEqual(device.findings, { PERSON: 1, IBAN: 1, EMAIL: 1 });
  });

  it('blocks with the types found and never the values', () => {
    const prepared = guard.prepareChat(request, 'block');
    assert.equal(prepared.allowed, false);
    assert.ok(!prepared.allowed);
    assert.deepEqual(prepared.verdict.types, ['EMAIL', 'IBAN', 'PERSON']);
    const logged = JSON.stringify(prepared);
    for (const value of ['Sophie', 'Lambert', 'FR76', 'sophie.lambert']) assert.ok(!logged.includes(value), value);
  });

  it('reuses an inspection of the same request and scans a different one again', async () => {
    const inspection = await guard.inspectChat(request);
    assert.deepEqual(inspection.findings, { PERSON: 1, IBAN: 1, EMAIL: 1 });
    const same = guard.prepareChat(request, 'cloud', inspection);
    assert.ok(same.allowed && same.request.messages[1]!.content !== request.messages[1]!.content);
    const other: ChatRequest = { model: 'm', messages: [{ role: 'user', content: 'Contact : x@y.fr' }] };
    const prepared = guard.prepareChat(other, 'cloud', inspection);
    assert.ok(prepared.allowed);
    assert.equal(prepared.request.messages[0]!.content, 'Contact : <EMAIL_1>');
  });

  it('applies custom detectors and prepares embedding inputs', async () => {
    const prepared = await guard.prepareEmbed(['Client Banque Exemple, contact x@y.fr', 'rien à signaler'], 'cloud');
    assert.ok(prepared.allowed);
    assert.deepEqual(prepared.inputs, ['Client <CLIENT_1>, contact <EMAIL_1>', 'rien à signaler']);
    assert.deepEqual(prepared.findings, { CLIENT: 1, EMAIL: 1 });
  });

  it('refuses when a detector fails and on_detector_error is block, but not for allow', () => {
    const broken: Detector = {
      name: 'broken',
      type: 'PERSON',
      detect: () => {
        throw new RangeError('x');
      },
    };
    const strict = createPrivacyGuard(privacyConfigSchema.parse({}), { detectors: [broken] });
    const refused = strict.prepareChat(request, 'cloud');
    assert.ok(!refused.allowed);
    assert.deepEqual(refused.failures, [{ detector: 'broken', type: 'PERSON', errorName: 'RangeError' }]);
    assert.ok(strict.prepareChat(request, 'device').allowed);
    const lenient = createPrivacyGuard(privacyConfigSchema.parse({ on_detector_error: 'allow' }), { detectors: [broken] });
    assert.ok(lenient.prepareChat(request, 'cloud').allowed);
  });

  it('marks JSON answers so that restored values are escaped', () => {
    const prepared = guard.prepareChat({ ...request, responseFormat: { type: 'json_object' } }, 'cloud');
    assert.ok(prepared.allowed);
    const restored = guard.restoreResult(
      {
        text: '{"who":"<PERSON_1>"}',
        toolCalls: [],
        finish: { reason: 'stop' },
        usage: { inputTokens: null, outputTokens: null, estimated: false },
        warnings: [],
      },
      prepared.vault,
    );
    assert.deepEqual(JSON.parse(restored.text!), { who: 'Sophie Lambert' });
  });
});

describe('inspectChat on a large request', () => {
  const guard = createPrivacyGuard(privacyConfigSchema.parse({}));

  it('lets the event loop run while it scans (100k messages), and finds the same values as at once', async () => {
    const messages: ChatRequest['messages'] = Array.from({ length: 100_000 }, (_, i) => ({
      role: 'user' as const,
      content: i === 99_999 ? 'écrivez à x@y.fr' : 'a',
    }));
    const big: ChatRequest = { model: 'm', messages };
    let ranMeanwhile = false;
    const pending = guard.inspectChat(big);
    setImmediate(() => {
      ranMeanwhile = true;
    });
    const inspection = await pending;
    assert.ok(ranMeanwhile, 'a callback queued after the scan started ran before it ended');
    assert.deepEqual(inspection.findings, { EMAIL: 1 });
    const prepared = guard.prepareChat(big, 'cloud', inspection);
    assert.ok(prepared.allowed);
    assert.equal(prepared.request.messages[99_999]!.content, 'écrivez à <EMAIL_1>');
  });
});

describe('prepareChat on hostile JSON', () => {
  it('refuses JSON nested thousands deep with invalid_request naming the field, instead of overflowing the stack', () => {
    const guard = createPrivacyGuard(privacyConfigSchema.parse({}));
    const parameters = JSON.parse(`${'{"a":'.repeat(5000)}"x@y.fr"${'}'.repeat(5000)}`) as Record<string, unknown>;
    assert.throws(
      () => guard.prepareChat({ model: 'm', messages: [{ role: 'user', content: 'hi' }], tools: [{ name: 't', parameters }] }, 'cloud'),
      (error: unknown) => error instanceof FlambeauError && error.code === 'invalid_request' && /tools\[0\]\.function\.parameters/.test(error.message),
    );
  });
});

describe('prepareChat with nothing found', () => {
  it('sends the request as it came for pseudonymize and redact, and still rewrites when something is found', async () => {
    const guard = createPrivacyGuard(privacyConfigSchema.parse({ cloud: 'pseudonymize', lan: 'redact' }));
    const clean: ChatRequest = { model: 'm', messages: [{ role: 'user', content: 'Quelle heure est-il à Lyon ? Citez <PERSON_1> tel quel.' }] };
    for (const target of ['cloud', 'lan'] as const) {
      const prepared = guard.prepareChat(clean, target, await guard.inspectChat(clean));
      assert.ok(prepared.allowed);
      assert.equal(prepared.request, clean);
      assert.equal(prepared.vault.size, 0);
    }
    const prepared = guard.prepareChat(request, 'cloud', await guard.inspectChat(request));
    assert.ok(prepared.allowed);
    assert.notEqual(prepared.request, request);
    assert.ok(prepared.vault.size > 0);
  });
});
