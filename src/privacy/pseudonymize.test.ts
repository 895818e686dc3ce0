import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { inspect } from 'node:util';
import type { ChatRequest } from '../providers/spec.js';
import { privacyConfigSchema } from './privacy-config.js';
import { egressFindings, inspectEgress } from './egress-inspect.js';
import { planEgress, rewriteEgress } from './egress-rewrite.js';
import { runSync } from './paced-scan.js';
import type { Findings } from './pii-types.js';
import { inspectTexts, rewriteTexts, type RewriteAction } from './pseudonymize.js';
import { createScanner } from './scanner.js';
import { PlaceholderVault } from './vault.js';

const config = privacyConfigSchema.parse({});
const scanner = createScanner(config);

/** Inspect, plan and rewrite, as the guard does for one action. */
function rewriteChat(request: ChatRequest, vault: PlaceholderVault, action: RewriteAction): { out: ChatRequest; findings: Findings } {
  const egress = runSync(inspectEgress(request, scanner));
  const plan = planEgress(egress, request, action, config);
  return { out: rewriteEgress(request, egress, plan, scanner.types, vault, action), findings: egressFindings(egress) };
}

function chat(): ChatRequest {
  return {
    model: 'm',
    messages: [
      { role: 'system', content: 'Assistant de Mme Sophie Lambert (sophie.lambert@exemple.fr).' },
      {
        role: 'user',
        content: [
          { type: 'text', text: 'Appelle Sophie Lambert au 06 12 34 56 78.' },
          { type: 'image', url: 'https://img.example/x.png' },
        ],
      },
      { role: 'assistant', content: null, toolCalls: [{ id: 'c1', name: 'call', arguments: '{"to":"Sophie Lambert","tel":"06.12.34.56.78","n":3}' }] },
      { role: 'tool', toolCallId: 'c1', content: [{ type: 'text', text: 'Répondeur de sophie.lambert@exemple.fr' }] },
      { role: 'assistant', content: [{ type: 'text', text: 'Sophie Lambert ne répond pas.' }] },
    ],
  };
}

describe('rewriteChat (pseudonymize)', () => {
  it('gives one placeholder per value across every message kind and leaves the input untouched', () => {
    const request = chat();
    const before = JSON.stringify(request);
    const vault = new PlaceholderVault();
    const { out, findings } = rewriteChat(request, vault, 'pseudonymize');
    assert.equal(JSON.stringify(request), before);
    assert.deepEqual(out.messages, [
      { role: 'system', content: 'Assistant de Mme <PERSON_1> (<EMAIL_1>).' },
      {
        role: 'user',
        content: [
          { type: 'text', text: 'Appelle <PERSON_1> au <PHONE_1>.' },
          { type: 'image', url: 'https://img.example/x.png' },
        ],
      },
      { role: 'assistant', content: null, toolCalls: [{ id: 'c1', name: 'call', arguments: '{"to":"<PERSON_1>","tel":"<PHONE_1>","n":3}' }] },
      { role: 'tool', toolCallId: 'c1', content: [{ type: 'text', text: 'Répondeur de <EMAIL_1>' }] },
      { role: 'assistant', content: [{ type: 'text', text: '<PERSON_1> ne répond pas.' }] },
    ]);
    assert.deepEqual(findings, { PERSON: 4, EMAIL: 2, PHONE: 2 });
    assert.equal(vault.valueOf('PHONE', 1), '06 12 34 56 78'); // first spelling seen
    assert.equal(vault.size, 3);
  });

  it('never reuses a placeholder number the request already contains literally', () => {
    const request: ChatRequest = { model: 'm', messages: [{ role: 'user', content: 'Explain what <PERSON_1> means, then greet Jean Dupont; also PERSON_2.' }] };
    const vault = new PlaceholderVault();
    const { out } = rewriteChat(request, vault, 'pseudonymize');
    assert.equal(out.messages[0]!.content, 'Explain what <PERSON_1> means, then greet <PERSON_3>; also PERSON_2.');
    assert.equal(vault.valueOf('PERSON', 1), undefined);
    assert.equal(vault.valueOf('PERSON', 3), 'Jean Dupont');
  });

  it('keeps tool arguments that are not JSON raw, and untouched JSON byte for byte', () => {
    const request: ChatRequest = {
      model: 'm',
      messages: [
        {
          role: 'assistant',
          content: null,
          toolCalls: [
            { id: 'a', name: 'f', arguments: '{"to": "x@y.fr", broken' },
            { id: 'b', name: 'g', arguments: '{ "n" : 1 }' },
          ],
        },
      ],
    };
    const { out } = rewriteChat(request, new PlaceholderVault(), 'pseudonymize');
    const message = out.messages[0]!;
    assert.ok(message.role === 'assistant');
    assert.equal(message.toolCalls?.[0]?.arguments, '{"to": "<EMAIL_1>", broken');
    assert.equal(message.toolCalls?.[1]?.arguments, '{ "n" : 1 }');
  });
});

describe('rewriteChat (redact) and embeddings', () => {
  it('redacts with the bare type and allocates nothing restorable', () => {
    const request = chat();
    const vault = new PlaceholderVault();
    const { out } = rewriteChat(request, vault, 'redact');
    assert.equal(out.messages[0]!.content, 'Assistant de Mme <PERSON> (<EMAIL>).');
    assert.equal(vault.size, 0);
  });

  it('pseudonymizes embedding inputs with one vault', () => {
    const inputs = ['Note sur Jean Dupont', 'jean.dupont@exemple.fr écrit à Jean Dupont', 'rien'];
    const vault = new PlaceholderVault();
    const inspection = runSync(inspectTexts(inputs, scanner));
    assert.deepEqual(rewriteTexts(inputs, inspection, scanner.types, vault, 'pseudonymize'), ['Note sur <PERSON_1>', '<EMAIL_1> écrit à <PERSON_1>', 'rien']);
    assert.deepEqual(inspection.findings, { PERSON: 2, EMAIL: 1 });
  });
});

describe('PlaceholderVault', () => {
  it('treats spellings of one identifier as one value, and shows no value when logged', () => {
    const vault = new PlaceholderVault();
    assert.equal(vault.placeholderFor('IBAN', 'FR76 3000 6000 0112 3456 7890 189'), '<IBAN_1>');
    assert.equal(vault.placeholderFor('IBAN', 'FR7630006000011234567890189'), '<IBAN_1>');
    assert.equal(vault.placeholderFor('EMAIL', 'A@B.fr'), '<EMAIL_1>');
    assert.equal(vault.placeholderFor('EMAIL', 'a@b.fr'), '<EMAIL_1>');
    assert.equal(vault.placeholderFor('PERSON', 'Jean'), '<PERSON_1>');
    assert.equal(vault.placeholderFor('PERSON', 'jean'), '<PERSON_2>');
    assert.equal(JSON.stringify({ vault }), '{"vault":{"placeholders":4}}');
    assert.equal(`${vault}`, '[PlaceholderVault 4]');
    assert.ok(!inspect(vault).includes('FR76'));
  });
});
