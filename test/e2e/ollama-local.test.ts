import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Ollama } from 'ollama';
import { makeTestModels, TEST_MODEL_ANSWER, TEST_MODEL_FUNCTION_CALL } from '../fixtures/test-models.js';
import { startTestGateway, type TestGateway } from '../helpers/start-gateway.js';

/** The Ollama API on the embedded llama.cpp engine, with the tiny generated GGUF models. */
describe('the Ollama API on the local engine, with the ollama client', () => {
  let dir: string;
  let paths: { chat: string; toolcall: string };
  let gw: TestGateway;
  let ollama: Ollama;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'flambeau-models-'));
    paths = await makeTestModels(dir);
    gw = await startTestGateway({
      providers: [{ id: 'local', type: 'llamacpp' }],
      models: [
        { name: 'local-chat', provider: 'local', path: paths.chat, context: 1024, threads: 1 },
        { name: 'local-tools', provider: 'local', path: paths.toolcall, context: 2048, threads: 1 },
      ],
      knowledge: { embedding_model: 'local-chat' },
    });
    ollama = new Ollama({ host: gw.url, headers: { authorization: `Bearer ${gw.key}` } });
  });
  after(async () => {
    await gw.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const messages = [{ role: 'user', content: 'Quel temps fait-il à Paris ?' }];

  it('lists the GGUF files with their sizes and details; ps shows a model once used', async () => {
    const listed = (await ollama.list()).models.find((m) => m.name === 'local-chat');
    assert.ok(listed !== undefined);
    assert.equal(listed.size, statSync(paths.chat).size);
    assert.equal(listed.details.format, 'gguf');
    assert.match(listed.details.family, /\S/);
    assert.deepEqual((await ollama.ps()).models, []);
    const shown = await ollama.show({ model: 'local-chat' });
    assert.equal(shown.details.format, 'gguf');
    assert.equal((shown.model_info as unknown as Record<string, unknown>)['general.architecture'], listed.details.family);

    const whole = await ollama.chat({ model: 'local-chat', messages, stream: false });
    assert.equal(whole.message.content, TEST_MODEL_ANSWER);
    assert.equal(whole.done_reason, 'stop');
    assert.equal(whole.eval_count, 6, 'the five answer pieces and the end of sequence');
    assert.deepEqual(
      (await ollama.ps()).models.map((m) => m.name),
      ['local-chat'],
    );
  });

  it('streams the same answer; stops at num_predict with done_reason length', async () => {
    let text = '';
    let lines = 0;
    for await (const part of await ollama.chat({ model: 'local-chat', messages, stream: true })) {
      text += part.message.content;
      lines += 1;
    }
    assert.equal(text, TEST_MODEL_ANSWER);
    assert.ok(lines >= 3);
    const cut = await ollama.generate({ model: 'local-chat', prompt: 'Quel temps fait-il à Paris ?', stream: false, options: { num_predict: 2 } });
    assert.equal(cut.done_reason, 'length');
    assert.equal(cut.eval_count, 2);
  });

  it('runs a tool call on the local model', async () => {
    const tools = [
      {
        type: 'function',
        function: {
          name: 'getWeather',
          description: 'Current weather for a city',
          parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
        },
      },
    ];
    const first = await ollama.chat({ model: 'local-tools', messages, tools, stream: false });
    assert.equal(first.message.tool_calls?.[0]?.function.name, TEST_MODEL_FUNCTION_CALL.name);
    assert.deepEqual(first.message.tool_calls?.[0]?.function.arguments, TEST_MODEL_FUNCTION_CALL.params);
  });

  it('embeds on the local model', async () => {
    const res = await ollama.embed({ model: 'local-chat', input: ['Paris', 'budget'] });
    assert.equal(res.embeddings.length, 2);
    assert.ok((res.embeddings[0]?.length ?? 0) > 0);
  });

  it('a rag: model name retrieves on the spine; citations come in the flambeau field, whole and on the done line', async () => {
    const notes = join(dir, 'notes');
    mkdirSync(notes);
    writeFileSync(join(notes, 'budget.md'), '# Réunion budget\n\nLa réunion budget du projet est lundi à Paris.\n');
    const report = await gw.gateway.knowledge.ingest({ collection: 'notes', paths: [notes] });
    assert.equal(report.indexed, 1);
    const question = [{ role: 'user', content: 'Quand est la réunion budget ?' }];
    type Cited = { flambeau?: { citations: { path: string }[] } };
    const whole = (await ollama.chat({ model: 'rag:notes/local-chat', messages: question, stream: false })) as unknown as Cited;
    assert.match(whole.flambeau?.citations[0]?.path ?? '', /budget\.md$/);
    let last: Cited | undefined;
    for await (const part of await ollama.chat({ model: 'rag:notes/local-chat', messages: question, stream: true })) last = part as unknown as Cited;
    assert.match(last?.flambeau?.citations[0]?.path ?? '', /budget\.md$/);
  });
});
