import type { Command } from 'commander';
import { UNDECLARED_SIZE_LIMIT_BYTES } from '../../models/download/download-file.js';
import { createProgressReporter, formatBytes } from '../../models/download/progress-reporter.js';
import { resolveHubEndpoints } from '../../models/hub-endpoints.js';
import { openModelHome } from '../../models/model-home.js';
import { configuredStoreUrl } from '../store-url.js';
import { pullModel, type AddedModel } from '../../models/pull-model.js';
import { CliExit, EXIT } from '../exit-codes.js';
import { openModelChangeAudit, type ModelChangeAudit } from './model-change-audit.js';

export function registerPull(program: Command): void {
  program
    .command('pull')
    .description('Download a GGUF model into HOME/models (resumable, sha256-verified) and serve it under a name.')
    .argument(
      '<ref>',
      'a known model name (see `flambeau models known`), hf:OWNER/REPO/FILE.gguf[@REVISION], ollama:NAME:TAG, or an https:// URL with --sha256',
    )
    .option('--name <name>', 'served model name (default: the known name, or the file stem); pulling again under the same name adds a version')
    .option('--sha256 <hex>', 'expected sha256 (required for a plain URL)')
    .option(
      '--size <bytes>',
      `expected size in bytes: the download stops as soon as the server sends more (a plain URL without it stops at ${formatBytes(UNDECLARED_SIZE_LIMIT_BYTES)})`,
    )
    .option('--retries <n>', 'further attempts after a cut connection, each resuming with an HTTP range', '3')
    .option('--home <dir>', 'home folder (default FLAMBEAU_HOME or ~/.flambeau)')
    .addHelpText(
      'after',
      '\nHub base URLs: HF_ENDPOINT (default https://huggingface.co), FLAMBEAU_OLLAMA_REGISTRY (default https://registry.ollama.ai). HF_TOKEN is sent to the HF_ENDPOINT origin only (gated repositories), never to the CDN it redirects to. Redirects are followed over http(s) only, never to link-local or metadata addresses, nor to loopback unless the hub is on loopback.',
    )
    .action(async (ref: string, opts: { name?: string; sha256?: string; size?: string; retries: string; home?: string }) => {
      const retries = Number(opts.retries);
      if (!Number.isInteger(retries) || retries < 0) throw new CliExit(EXIT.usage, '--retries takes a whole number.');
      const size = opts.size === undefined ? undefined : Number(opts.size);
      if (size !== undefined && (!/^\d+$/.test(opts.size ?? '') || !Number.isSafeInteger(size) || size <= 0))
        throw new CliExit(EXIT.usage, '--size takes a whole number of bytes.');
      const home = await openModelHome(opts.home ?? (process.env.FLAMBEAU_HOME || undefined), configuredStoreUrl(opts.home));
      let audit: ModelChangeAudit | undefined;
      try {
        // Opened first: a store it cannot sign for refuses before the download, not after.
        audit = openModelChangeAudit(home);
        const added = await pullModel(
          ref,
          {
            ...(opts.name === undefined ? {} : { name: opts.name }),
            ...(opts.sha256 === undefined ? {} : { sha256: opts.sha256 }),
            ...(size === undefined ? {} : { size }),
          },
          {
            store: home.store,
            registry: home.registry,
            endpoints: resolveHubEndpoints(process.env),
            hfToken: process.env.HF_TOKEN || null,
            retries,
            progress: (label) => createProgressReporter({ out: process.stderr, label }),
            withVersionWrite: audit.versionWrite,
          },
        );
        printAdded(added);
      } finally {
        audit?.close();
        await home.close();
      }
    });
}

export function printAdded(added: AddedModel): void {
  const g = added.model.gguf;
  const facts = [
    g.architecture,
    g.sizeLabel ?? (g.parameters === null ? null : `${(g.parameters / 1e9).toFixed(2)}B params`),
    g.quantisation,
    formatBytes(added.model.size),
  ]
    .filter((x) => x !== null)
    .join(', ');
  process.stdout.write(`${added.name}: sha256 ${added.model.sha256} (${facts})${added.model.source.verified ? ', verified' : ''}\n`);
  if (added.version === null) process.stdout.write(`${added.name} already serves this file.\n`);
  else if (added.version.version === 1) process.stdout.write(`${added.name} v1 added: \`flambeau serve\` serves it as "${added.name}".\n`);
  else
    process.stdout.write(
      `${added.name} v${added.version.version} added; the current version is unchanged: \`flambeau models promote ${added.name} ${added.version.version}\` (add --canary PERCENT to try it on a share of requests first).\n`,
    );
}
