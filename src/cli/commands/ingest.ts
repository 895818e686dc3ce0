import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { loadConfig } from '../../config/load-config.js';
import type { GatewayConfig } from '../../config/gateway-config.js';
import { homePaths } from '../../config/home-layout.js';
import { createEngine } from '../../engine/child-engine.js';
import type { Engine } from '../../engine/engine.js';
import { chunkScreen } from '../../gateway/chunk-screen.js';
import { createShippedInjectionScanner } from '../../injection/index.js';
import { createLogger } from '../../log/logger.js';
import { createKnowledge, embedderOf, isCollectionName, knowledgeEmbeddingModel, type Embedder, type IngestProgress } from '../../knowledge/index.js';
import { knownEmbeddingModelNames } from '../../models/known-models.js';
import { createModelCatalog } from '../../models/model-catalog.js';
import { createVersionSource, withRegisteredModels } from '../../models/served-models.js';
import { createModelStore } from '../../models/store/model-store.js';
import { createVersionRegistry } from '../../models/versions/version-registry.js';
import { createProvider } from '../../providers/registry.js';
import type { Provider } from '../../providers/spec.js';
import { openConfiguredStore, type Db } from '../../store/store.js';
import type { SqlClient } from '../../store/sql.js';
import { CliExit, EXIT } from '../exit-codes.js';
import { describeCalibration } from '../calibration-text.js';

/**
 * Runs in-process, like `serve` and `scan`: the files are on this machine, the index is the home
 * folder's SQLite file (WAL: a running server keeps serving meanwhile), and the embedding model
 * is started here (a llamacpp model in its own engine process), so no upload API is needed.
 */
export function registerIngest(program: Command): void {
  program
    .command('ingest')
    .description('Index files and folders (Markdown, text, HTML, PDF, DOCX, .eml, .mbox) into a knowledge collection; unchanged files are skipped.')
    .argument('<paths...>', 'files and folders (walked recursively)')
    .option('--collection <name>', 'collection to index into', 'default')
    .option(
      '--embedding-model <name>',
      'model that embeds the chunks (default: the one the server searches with: knowledge.embedding_model, else a pulled embedding model such as multilingual-e5-small; never a chat model)',
    )
    .option('--no-embeddings', 'full-text index only (no vectors)')
    .option('--follow-links', 'follow links whose target lies outside the paths given (secrets, the home folder and /proc, /sys, /dev stay refused)')
    .option('--config <path>', 'config file')
    .option('--home <dir>', 'home folder')
    .option('--json', 'print the report as JSON')
    .action(
      async (
        paths: string[],
        opts: { collection: string; embeddingModel?: string; embeddings: boolean; followLinks?: boolean; config?: string; home?: string; json?: boolean },
      ) => {
        if (!isCollectionName(opts.collection))
          throw new CliExit(EXIT.usage, 'error: --collection: letters, digits, "_", "-" and "." only, at most 64 characters.');
        const config = loadConfig({ configPath: opts.config, home: opts.home });
        const store = await openConfiguredStore(homePaths(config.home).db, config.store.url?.reveal() ?? null);
        const abort = new AbortController();
        const stop = (): void => abort.abort();
        let runtime: { embedder: Embedder | null; close(): Promise<void> } | undefined;
        try {
          requireSomePath(paths, opts.collection, store.db);
          runtime = await openEmbedder(config, store.sql, opts.embeddings ? opts.embeddingModel : false);
          // Each chunk is scored for prompt injection here, once, so chat reads the score (decision 0006).
          const knowledge = createKnowledge({ db: store.db, embedder: runtime.embedder, screen: chunkScreen(createShippedInjectionScanner(config.injection)) });
          process.once('SIGINT', stop);
          const bar = progressBar(opts.json !== true && process.stderr.isTTY === true);
          if (opts.json !== true)
            process.stderr.write(
              `ingesting into "${opts.collection}" ${runtime.embedder === null ? '(full-text only)' : `(embeddings: ${runtime.embedder.model})`}\n`,
            );
          const { maxFileBytes, maxInflatedBytes, maxInflateRatio, maxPdfPages, loaderMemoryMb } = config.knowledge;
          const report = await knowledge.ingest({
            collection: opts.collection,
            paths,
            followLinks: opts.followLinks === true,
            // The home folder holds the master key and the index itself: never ingested.
            protectedFolders: [config.home],
            limits: { maxFileBytes, maxInflatedBytes, maxInflateRatio, maxPdfPages, loaderMemoryMb },
            signal: abort.signal,
            onProgress: bar.update,
          });
          bar.done();
          // The vector weight of hybrid search follows what the collection now holds.
          const stale = knowledge.db.vectorWeight(opts.collection)?.model !== runtime.embedder?.model;
          const calibration =
            runtime.embedder !== null && (report.indexed > 0 || report.removed > 0 || stale) ? await knowledge.calibrate(opts.collection, abort.signal) : null;
          if (opts.json === true) {
            process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
          } else {
            const seconds = report.elapsedMs / 1000;
            process.stdout.write(
              `${report.total} files: ${report.indexed} indexed, ${report.skipped} unchanged, ${report.removed} removed, ${report.excluded} excluded, ${report.failed} failed; ` +
                `${report.documents} documents, ${report.chunks} chunks in ${seconds.toFixed(1)} s\n`,
            );
            for (const exclusion of report.exclusions) process.stdout.write(`  excluded: ${exclusion.path}: ${exclusion.reason}\n`);
            for (const failure of report.failures) process.stdout.write(`  failed: ${failure.path}: ${failure.reason}\n`);
            if (calibration !== null) process.stdout.write(`${describeCalibration(calibration)}\n`);
          }
          if (report.failed > 0) process.exitCode = EXIT.requestFailed;
        } finally {
          process.off('SIGINT', stop);
          store.close();
          await runtime?.close();
        }
      },
    );
}

/**
 * Refuses a run none of whose paths exist when the collection does not exist yet: a typo would
 * otherwise leave an empty collection behind. An existing collection goes on, since a root that
 * is gone gets what was indexed under it removed.
 */
function requireSomePath(paths: readonly string[], collection: string, db: Db): void {
  if (paths.some((path) => existsSync(path))) return;
  if (createKnowledge({ db, embedder: null }).collectionNames().includes(collection)) return;
  throw new CliExit(EXIT.usage, `error: no such file or folder: ${paths.join(', ')}; the collection "${collection}" was not created.`);
}

/**
 * The embedder the server would use (see knowledgeEmbeddingModel), over the same catalog (models
 * pulled into the home folder included), so that it searches the vectors made here; `flag`
 * (--embedding-model) overrides the config, false turns embeddings off. None: full-text only,
 * with a warning.
 */
export async function openEmbedder(
  config: GatewayConfig,
  sql: SqlClient,
  flag: string | undefined | false,
): Promise<{ embedder: Embedder | null; close(): Promise<void> }> {
  const versions = createVersionRegistry(sql);
  const modelStore = createModelStore(config.home);
  const served = await withRegisteredModels(config.models, config.providers, versions, modelStore);
  if (flag === false || served.models.length === 0) return { embedder: null, close: async () => {} };
  let engine: Engine | undefined;
  const logger = createLogger(config.log.level);
  const providers = new Map<string, Provider>();
  for (const provider of served.providers) {
    providers.set(
      provider.id,
      createProvider(provider, {
        engine: () =>
          (engine ??= createEngine({
            idleTimeoutMs: config.engine.idleTimeoutMs,
            gpu: config.engine.gpu,
            maxQueue: config.engine.maxQueue,
            threads: config.engine.threads,
            logger,
          })),
      }),
    );
  }
  const close = async (): Promise<void> => {
    await Promise.allSettled([...providers.values()].map((p) => p.close()));
    await engine?.shutdown().catch(() => undefined);
  };
  const catalog = createModelCatalog(served.models, providers, { versions: createVersionSource(versions, modelStore) });
  await catalog.refreshVersions();
  const entry = knowledgeEmbeddingModel(
    catalog,
    flag ?? config.knowledge.embeddingModel,
    flag === undefined ? undefined : '--embedding-model',
    knownEmbeddingModelNames(),
  );
  if (entry === undefined) {
    process.stderr.write(
      'warning: no embedding model (knowledge.embedding_model, or a pulled one such as `flambeau pull multilingual-e5-small`); indexing for full-text search only\n',
    );
    return { embedder: null, close };
  }
  if (entry.locality !== 'device')
    process.stderr.write(`warning: ${entry.name} runs on a ${entry.locality} model: your documents' text is sent there to be embedded\n`);
  return { embedder: embedderOf(entry.embedding, entry.name), close };
}

/** A one-line progress bar on stderr (TTY only): files, rates, and documents (a mailbox moves it message by message). */
function progressBar(enabled: boolean): { update(p: IngestProgress): void; done(): void } {
  let last = 0;
  let shown = false;
  return {
    update(p) {
      const now = Date.now();
      if (!enabled || (now - last < 100 && p.processed < p.total)) return;
      last = now;
      shown = true;
      const width = 24;
      const filled = p.total === 0 ? width : Math.round((p.processed / p.total) * width);
      const seconds = Math.max(p.elapsedMs / 1000, 0.001);
      process.stderr.write(
        `\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${p.processed}/${p.total} files  ${(p.processed / seconds).toFixed(1)} files/s  ${(p.bytes / 1e6 / seconds).toFixed(2)} MB/s  ` +
          `${p.documents} documents (${(p.documents / seconds).toFixed(0)}/s)  ${p.chunks} chunks  ${p.skipped} unchanged  ${p.failed} failed\x1b[K`,
      );
    },
    done() {
      if (shown) process.stderr.write('\n');
    },
  };
}
