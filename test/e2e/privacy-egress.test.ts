// Egress is default-deny: every string that leaves for a cloud model is scanned, or not sent.
// Each case puts an IBAN, an e-mail or a French phone number in one field of a chat request and
// checks, at the stand-in cloud, that it did not arrive raw in any spelling; and that the
// client gets the value back where the model answers with its placeholder.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import OpenAI from 'openai';
import { startStandInCloud, type StandInCloud } from '../helpers/stand-in-cloud.js';
import { startTestGateway, type TestGateway } from '../helpers/start-gateway.js';

const IBAN = 'FR76 3000 6000 0112 3456 7890 189';
const EMAIL = 'claire.martin@example.fr';
const PHONE = '06 12 34 56 78';

/** Every spelling of the three values the upstream could have received (separators, case, %-escapes, base64 left aside). */
function leaked(body: unknown): string[] {
  let text = JSON.stringify(body);
  try {
    text = decodeURIComponent(text);
  } catch {
    // a lone % in the body: the raw text is checked
  }
  const flat = text
    .normalize('NFKC')
    .replace(/[^A-Za-z0-9@.]/g, '')
    .toLowerCase();
  return [
    ['IBAN', 'fr7630006000011234567890189'],
    ['EMAIL', EMAIL],
    ['PHONE', '0612345678'],
  ]
    .filter(([, value]) => flat.includes(value!))
    .map(([type]) => type!);
}

type Body = Record<string, unknown>;
const user = (content: string): OpenAI.ChatCompletionMessageParam[] => [{ role: 'user', content }];

describe('privacy egress through the real server: no field carries personal data to a cloud raw', () => {
  let cloud: StandInCloud;
  let gw: TestGateway;
  let listing: TestGateway;
  let client: OpenAI;

  before(async () => {
    cloud = await startStandInCloud();
    const providers = [
      { id: 'cloud', type: 'openai-compatible', base_url: cloud.openaiBaseUrl, locality: 'cloud' },
      { id: 'claude', type: 'anthropic', base_url: cloud.anthropicBaseUrl, locality: 'cloud' },
      { id: 'office', type: 'openai-compatible', base_url: cloud.openaiBaseUrl, locality: 'lan' },
    ];
    const models = [
      { name: 'cloud-echo', provider: 'cloud', model: 'echo-1' },
      { name: 'claude-echo', provider: 'claude', model: 'claude-echo' },
      { name: 'lan-echo', provider: 'office', model: 'echo-1' },
    ];
    gw = await startTestGateway({ providers, models, privacy: { cloud: 'pseudonymize', lan: 'allow' } });
    listing = await startTestGateway({
      providers,
      models,
      privacy: { cloud: 'pseudonymize', passthrough_fields: ['metadata', 'logprobs'], unscanned_images: 'forward' },
    });
    client = new OpenAI({ baseURL: gw.baseURL, apiKey: gw.key, maxRetries: 0 });
  });
  after(async () => {
    // Whatever `before` managed to start (a gateway that refused its config must not leave the rest open).
    for (const open of [gw, listing, cloud] as ({ close(): Promise<void> } | undefined)[]) await open?.close();
  });
  beforeEach(() => {
    cloud.reset();
    cloud.setDefault({ kind: 'echo' });
  });

  /** Sends `body` (extra fields included) to `model` and returns what the upstream got and the answer. */
  async function send(body: Body, on: TestGateway = gw): Promise<{ seen: Body; answer: OpenAI.ChatCompletion; warnings: string | null }> {
    const c = on === gw ? client : new OpenAI({ baseURL: on.baseURL, apiKey: on.key, maxRetries: 0 });
    const { data, response } = await c.chat.completions.create(body as unknown as OpenAI.ChatCompletionCreateParamsNonStreaming).withResponse();
    const seen = cloud.requests.at(-1)?.body as Body;
    return { seen, answer: data, warnings: response.headers.get('x-flambeau-warnings') };
  }

  it('drops unknown top-level fields (metadata, prediction, legacy functions) with a warning; sends harmless listed ones', async () => {
    const { seen, warnings } = await send({
      model: 'cloud-echo',
      messages: user('Bonjour'),
      metadata: { note: EMAIL },
      prediction: { type: 'content', content: `IBAN ${IBAN}` },
      functions: [{ name: 'call', description: `Appelle le ${PHONE}`, parameters: { type: 'object' } }],
      logprobs: true,
    });
    assert.deepEqual(leaked(seen), []);
    assert.equal(seen.metadata, undefined);
    assert.equal(seen.prediction, undefined);
    assert.equal(seen.functions, undefined);
    assert.equal(seen.logprobs, true);
    assert.match(warnings ?? '', /unsupported:metadata/);
    assert.match(warnings ?? '', /unsupported:prediction/);
    assert.match(warnings ?? '', /unsupported:functions/);
  });

  it('forwards an unknown field to a target whose action is allow, and a listed one to the cloud scanned', async () => {
    const lan = await send({ model: 'lan-echo', messages: user('Bonjour'), metadata: { note: EMAIL } });
    assert.deepEqual(lan.seen.metadata, { note: EMAIL });
    const listed = await send({ model: 'cloud-echo', messages: user('Bonjour'), metadata: { note: `à ${EMAIL}`, [EMAIL]: 'clé' } }, listing);
    assert.deepEqual(leaked(listed.seen), []);
    assert.deepEqual(listed.seen.metadata, { note: 'à <EMAIL_1>', '<EMAIL_1>': 'clé' });
  });

  it('scans stop sequences and user', async () => {
    const { seen } = await send({ model: 'cloud-echo', messages: user('Bonjour'), stop: [EMAIL, 'FIN'], user: `client ${PHONE}` });
    assert.deepEqual(leaked(seen), []);
    assert.deepEqual(seen.stop, ['<EMAIL_1>', 'FIN']);
    assert.equal(seen.user, 'client <PHONE_1>');
  });

  it('scans response_format.json_schema (description, enum values, property names) and restores the JSON answer', async () => {
    cloud.script({ kind: 'reply', text: '{"<PHONE_1>":"<EMAIL_1>"}' });
    const { seen, answer } = await send({
      model: 'cloud-echo',
      messages: user('Choisis un destinataire.'),
      response_format: {
        type: 'json_schema',
        json_schema: {
          name: 'pick',
          description: `Virement vers ${IBAN}`,
          schema: { type: 'object', properties: { [PHONE]: { type: 'string', enum: [EMAIL, 'personne'] } }, required: [PHONE] },
        },
      },
    });
    assert.deepEqual(leaked(seen), []);
    assert.deepEqual(JSON.parse(answer.choices[0]?.message.content ?? ''), { [PHONE]: EMAIL });
  });

  it('scans tool descriptions and parameters (enum) and restores the tool call', async () => {
    cloud.script({ kind: 'reply', toolCalls: [{ name: 'send', arguments: '{"to":"<EMAIL_1>"}' }] });
    const { seen, answer } = await send({
      model: 'cloud-echo',
      messages: user('Envoie le relevé.'),
      tools: [
        {
          type: 'function',
          function: { name: 'send', description: `Compte ${IBAN}`, parameters: { type: 'object', properties: { to: { type: 'string', enum: [EMAIL] } } } },
        },
      ],
    });
    assert.deepEqual(leaked(seen), []);
    const call = answer.choices[0]?.message.tool_calls?.[0];
    assert.ok(call?.type === 'function');
    assert.deepEqual(JSON.parse(call.function.arguments), { to: EMAIL });
  });

  it('scans the JSON keys of tool-call arguments, message names and tool-call ids, keeping the ids paired', async () => {
    const id = `call_${PHONE.replaceAll(' ', '')}`;
    const { seen } = await send({
      model: 'cloud-echo',
      messages: [
        { role: 'user', content: 'Qui ?', name: PHONE.replaceAll(' ', '') },
        {
          role: 'assistant',
          content: null,
          tool_calls: [{ id, type: 'function', function: { name: 'lookup', arguments: JSON.stringify({ [EMAIL]: IBAN }) } }],
        },
        { role: 'tool', tool_call_id: id, content: 'ok' },
      ],
    });
    assert.deepEqual(leaked(seen), []);
    // The first message is the spotlighting instruction (injection.tools: spotlight, the default).
    const messages = (
      seen.messages as { role: string; name?: string; tool_calls?: { id: string; function: { arguments: string } }[]; tool_call_id?: string }[]
    ).filter((m) => m.role !== 'system');
    assert.equal(messages[0]?.name, 'PHONE_1');
    assert.deepEqual(JSON.parse(messages[1]!.tool_calls![0]!.function.arguments), { '<EMAIL_1>': '<IBAN_1>' });
    assert.equal(messages[1]!.tool_calls![0]!.id, messages[2]!.tool_call_id);
  });

  it('refuses personal data in an image URL (query string, data:text/plain) and an unreadable image, naming the field', async () => {
    const png = 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';
    const images = [
      `https://img.example/scan.png?to=${encodeURIComponent(EMAIL)}`,
      `data:text/plain;base64,${Buffer.from(`IBAN ${IBAN}`).toString('base64')}`,
      png,
    ];
    for (const url of images) {
      await assert.rejects(
        client.chat.completions.create({
          model: 'cloud-echo',
          messages: [
            {
              role: 'user',
              content: [
                { type: 'text', text: 'Lis ceci' },
                { type: 'image_url', image_url: { url } },
              ],
            },
          ],
        }),
        (error: unknown) => {
          assert.ok(error instanceof OpenAI.PermissionDeniedError, String(error));
          assert.equal(error.code, 'policy_denied');
          assert.match(error.message, /messages\[0\]\.content\[1\]\.image_url\.url/);
          assert.ok(!error.message.includes(EMAIL) && !error.message.includes('FR76'));
          return true;
        },
      );
    }
    assert.equal(cloud.requests.length, 0);
    const clean = await send({
      model: 'cloud-echo',
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Lis ceci' },
            { type: 'image_url', image_url: { url: 'https://img.example/chart.png?w=200' } },
          ],
        },
      ],
    });
    assert.equal(
      (clean.seen.messages as { content: { image_url?: { url: string } }[] }[])[0]?.content[1]?.image_url?.url,
      'https://img.example/chart.png?w=200',
    );
    const forwarded = await send({ model: 'cloud-echo', messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: png } }] }] }, listing);
    assert.equal((forwarded.seen.messages as { content: { image_url?: { url: string } }[] }[])[0]?.content[0]?.image_url?.url, png);
  });

  it('refuses personal data in a tool name, naming the field', async () => {
    await assert.rejects(
      client.chat.completions.create({
        model: 'cloud-echo',
        messages: user('Bonjour'),
        tools: [{ type: 'function', function: { name: 'pay_FR7630006000011234567890189', parameters: { type: 'object' } } }],
      }),
      (error: unknown) => error instanceof OpenAI.PermissionDeniedError && /tools\[0\]\.function\.name/.test(error.message),
    );
    assert.equal(cloud.requests.length, 0);
  });

  it('finds values written to slip past it, and a value split across two text parts; the answer is restored', async () => {
    const disguised = `Mail claire\u200b.martin&#64;example.fr, tél. \uff10\uff16 \uff11\uff12 \uff13\uff14 \uff15\uff16 \uff17\uff18, iban fr7630006000011234567890189.`;
    const { seen, answer } = await send({
      model: 'cloud-echo',
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: disguised },
            { type: 'text', text: 'Second IBAN : DE44 8369 4923' },
            { type: 'text', text: ' 5972 2032 71 merci' },
          ],
        },
      ],
    });
    assert.deepEqual(leaked(seen), []);
    const text = answer.choices[0]?.message.content ?? '';
    assert.ok(text.includes(disguised), 'the disguised values are restored as written');
    assert.ok(!JSON.stringify(seen).includes('4923') && !JSON.stringify(seen).includes('5972'), 'neither half of the split IBAN reaches the cloud');
    assert.ok(text.includes('DE44 8369 4923 5972 2032 71'), text);
  });

  it('applies the same rules for an Anthropic cloud provider (stop, user, tools)', async () => {
    const { seen } = await send({
      model: 'claude-echo',
      messages: user('Bonjour'),
      stop: [EMAIL],
      user: PHONE,
      metadata: { note: IBAN },
      tools: [
        {
          type: 'function',
          function: { name: 'send', description: `Compte ${IBAN}`, parameters: { type: 'object', properties: { to: { type: 'string', enum: [EMAIL] } } } },
        },
      ],
    });
    assert.deepEqual(leaked(seen), []);
  });

  it('scans the user field of embeddings for a cloud model', async () => {
    await client.embeddings.create({ model: 'cloud-echo', input: ['rien de personnel'], user: EMAIL });
    const seen = cloud.requests.at(-1)?.body as Body;
    assert.deepEqual(leaked(seen), []);
    assert.equal(seen.user, '<EMAIL_1>');
  });
});
