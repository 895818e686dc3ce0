import type { Command } from 'commander';
import { homePaths } from '../../config/home-layout.js';
import { loadConfig } from '../../config/load-config.js';
import { createKnowledge } from '../../knowledge/index.js';
import { describeCalibration } from '../calibration-text.js';
import { openConfiguredStore } from '../../store/store.js';
import { CliExit, EXIT } from '../exit-codes.js';
import { jsonText } from '../terminal-text.js';
import { openEmbedder } from './ingest.js';

/**
 * `flambeau knowledge calibrate NAME`: in-process like `ingest` (the embedding model runs here),
 * measures the embedder against BM25 on the collection and stores the vector weight hybrid
 * search uses for it (`ingest` does the same after a run that changed something).
 */
export function registerKnowledge(program: Command): void {
  const knowledge = program.command('knowledge').description('Knowledge collections: tuning of hybrid search.');
  knowledge
    .command('calibrate')
    .description("Measure how much the embedding model adds to BM25 on a collection's own documents and set hybrid search's vector weight (0: BM25 alone).")
    .argument('<collection>', 'collection to calibrate')
    .option('--embedding-model <name>', 'model to measure (default: the one the server searches with, knowledge.embedding_model)')
    .option('--config <path>', 'config file')
    .option('--home <dir>', 'home folder')
    .option('--json', 'print JSON')
    .action(async (collection: string, opts: { embeddingModel?: string; config?: string; home?: string; json?: boolean }) => {
      const config = loadConfig({ configPath: opts.config, home: opts.home });
      const store = await openConfiguredStore(homePaths(config.home).db, config.store.url?.reveal() ?? null);
      const runtime = await openEmbedder(config, store.sql, opts.embeddingModel);
      try {
        const domain = createKnowledge({ db: store.db, embedder: runtime.embedder });
        if (!domain.collectionNames().includes(collection)) throw new CliExit(EXIT.usage, `error: no knowledge collection named "${collection}".`);
        if (runtime.embedder === null)
          throw new CliExit(EXIT.usage, 'error: no embedding model to calibrate (set knowledge.embedding_model or --embedding-model).');
        const result = await domain.calibrate(collection);
        process.stdout.write(opts.json === true ? `${jsonText(result)}\n` : `${describeCalibration(result)}\n`);
      } finally {
        store.close();
        await runtime.close();
      }
    });
}
