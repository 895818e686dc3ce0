import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { makeTestModels } from '../fixtures/test-models.js';
import { runCli, type CliResult } from '../helpers/run-cli.js';
import { startTestGateway, type TestGateway } from '../helpers/start-gateway.js';

interface ListedCollection { name: string; files: number; chunks: number; embeddingModels: string[] }

describe('flambeau ingest, collections and search (CLI, real engine)', () => {
  let dir: string;
  let docs: string;
  let gw: TestGateway;

  // `ingest` and `collections` work in the server's home folder, on its config; `search` asks the server.
  const run = (args: string[]): Promise<CliResult> =>
    runCli([...args, '--home', gw.home, '--config', join(gw.home, 'flambeau.yaml')], { env: { FLAMBEAU_ENGINE_THREADS: '1', FLAMBEAU_ENGINE_GPU: 'false' } });
  const search = (query: string, mode: string): Promise<CliResult> =>
    runCli(['search', query, '--collection', 'notes', '--mode', mode, '--json', '--url', gw.url, '--key', gw.key]);
  const listed = async (): Promise<ListedCollection[]> => {
    const result = await run(['collections', '--json']);
    assert.equal(result.code, 0, result.stderr);
    return JSON.parse(result.stdout) as ListedCollection[];
  };

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'flambeau-knowledge-cli-'));
    const models = await makeTestModels(join(dir, 'models'));
    // Two device models that embed: the first one listed is what ingest used to take, whatever the config said.
    gw = await startTestGateway({
      providers: [{ id: 'local', type: 'llamacpp' }],
      models: [
        { name: 'first-embedder', provider: 'local', path: models.chat, context: 1024, threads: 1 },
        { name: 'configured-embedder', provider: 'local', path: models.chat, context: 1024, threads: 1 },
      ],
      knowledge: { embedding_model: 'configured-embedder' },
      routing: { health_interval_ms: 0 },
    });
    docs = join(dir, 'notes');
    mkdirSync(docs);
    writeFileSync(join(docs, 'budget.md'), '# Réunion budget\n\nLa réunion budget du projet est lundi à Paris.\n');
    // A windows-1252 file, as older editors write them: é is 0xE9, € is 0x80.
    writeFileSync(join(docs, 'weather.txt'), Buffer.concat([Buffer.from('Météo à Brest : pluie et vent, parapluie à 10 ', 'latin1'), Buffer.from([0x80]), Buffer.from('.\n', 'latin1')]));
  });
  after(async () => {
    await gw?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('ingest indexes a folder with the configured embedding model and prints the counts', async () => {
    const result = await run(['ingest', docs, '--collection', 'notes']);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stderr, /ingesting into "notes" \(embeddings: configured-embedder\)/);
    assert.match(result.stdout, /^2 files: 2 indexed, 0 unchanged, 0 removed, 0 failed; 2 documents, \d+ chunks in [\d.]+ s$/m);
  });

  it('collections lists the collection, its sizes and the model its vectors were made with', async () => {
    const table = await run(['collections']);
    assert.equal(table.code, 0, table.stderr);
    assert.match(table.stdout, /^COLLECTION\s+FILES\s+DOCUMENTS\s+CHUNKS\s+SIZE\s+EMBEDDED WITH\s+SHAREABLE\s+LAST INGEST$/m);
    assert.match(table.stdout, /^notes\s+2\s+2\s+[1-9]\d*\s+\d+ B\s+configured-embedder\s+no\s+\d{4}-\d\d-\d\dT/m);
    const [notes] = await listed();
    assert.equal(notes?.name, 'notes');
    assert.deepEqual(notes?.embeddingModels, ['configured-embedder']);
  });

  it('a second run skips the unchanged files', async () => {
    const result = await run(['ingest', docs, '--collection', 'notes']);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^2 files: 0 indexed, 2 unchanged, 0 removed, 0 failed/m);
  });

  it('search through the server finds the planted chunk first, by vectors alone too, accents intact', async () => {
    for (const mode of ['hybrid', 'vector']) {
      const result = await search('météo pluie vent', mode);
      assert.equal(result.code, 0, result.stderr);
      const hits = JSON.parse(result.stdout) as Array<{ text: string; citation: { path: string } }>;
      assert.match(hits[0]?.citation.path ?? '', /weather\.txt$/, mode);
      assert.equal(hits[0]?.text, 'Météo à Brest : pluie et vent, parapluie à 10 €.');
    }
    const budget = JSON.parse((await search('réunion budget projet', 'vector')).stdout) as Array<{ citation: { path: string } }>;
    assert.match(budget[0]?.citation.path ?? '', /budget\.md$/);
  });

  it('--embedding-model still overrides the config', async () => {
    const result = await run(['ingest', docs, '--collection', 'other', '--embedding-model', 'first-embedder']);
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual((await listed()).find((c) => c.name === 'other')?.embeddingModels, ['first-embedder']);
  });

  it('ingest of a path that does not exist exits 2 and creates no collection', async () => {
    const result = await run(['ingest', join(dir, 'no-such-folder'), '--collection', 'typo']);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /no such file or folder: .*no-such-folder/);
    assert.equal((await listed()).some((c) => c.name === 'typo'), false);
  });
});
