import type { Command } from 'commander';
import { homePaths } from '../../config/home-layout.js';
import { loadConfig } from '../../config/load-config.js';
import { createKnowledge } from '../../knowledge/index.js';
import { openStore } from '../../store/store.js';
import { CliExit, EXIT } from '../exit-codes.js';
import { printTable } from '../table.js';
import { jsonText } from '../terminal-text.js';

/** In-process like `ingest`: it reads the home folder's index, no model and no server needed. */
export function registerCollections(program: Command): void {
  program
    .command('collections')
    .description(
      'List knowledge collections: files, documents, chunks, chunks flagged as prompt injections at ingest, size, the models their vectors were made with, and last ingest.',
    )
    .option('--share <name>', 'mark a collection shareable: its chunks may reach non-device models (the privacy guard still runs)')
    .option('--unshare <name>', 'mark a collection private again (the default)')
    .option('--config <path>', 'config file')
    .option('--home <dir>', 'home folder')
    .option('--json', 'print JSON')
    .action((opts: { share?: string; unshare?: string; config?: string; home?: string; json?: boolean }) => {
      const config = loadConfig({ configPath: opts.config, home: opts.home });
      const store = openStore(homePaths(config.home).db);
      try {
        const knowledge = createKnowledge({ db: store.db, embedder: null });
        for (const [name, shareable] of [
          [opts.share, true],
          [opts.unshare, false],
        ] as const) {
          if (name === undefined) continue;
          try {
            knowledge.requireCollections([name]);
          } catch (error) {
            throw new CliExit(EXIT.usage, `error: ${(error as Error).message}`);
          }
          knowledge.setShareable(name, shareable);
        }
        const models = knowledge.db.embeddingModels();
        // Flagged by today's injection.threshold: the scores were kept at ingest, the threshold is read now.
        const flagged = knowledge.flaggedChunks(config.injection.threshold);
        const list = knowledge
          .collections()
          .map((c) => ({ ...c, embeddingModels: models.get(c.name) ?? [], injectionFlaggedChunks: flagged.get(c.name) ?? 0 }));
        if (opts.json === true) {
          process.stdout.write(`${jsonText(list)}\n`);
          return;
        }
        if (list.length === 0) {
          process.stdout.write('no collections yet: flambeau ingest PATH... --collection NAME\n');
          return;
        }
        printTable(
          ['COLLECTION', 'FILES', 'DOCUMENTS', 'CHUNKS', 'FLAGGED', 'SIZE', 'EMBEDDED WITH', 'SHAREABLE', 'LAST INGEST'],
          list.map((c) => [
            c.name,
            String(c.files),
            String(c.documents),
            String(c.chunks),
            String(c.injectionFlaggedChunks),
            formatBytes(c.bytes),
            c.embeddingModels.join(',') || '-',
            c.shareable ? 'yes' : 'no',
            c.lastIngestAt === null ? '-' : new Date(c.lastIngestAt).toISOString().replace(/\.\d+Z$/, 'Z'),
          ]),
        );
      } finally {
        store.close();
      }
    });
}

function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
