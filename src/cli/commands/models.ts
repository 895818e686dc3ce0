import type { Command } from 'commander';
import { createRedisClusterBus } from '../../cluster/index.js';
import { resolveClientSettings } from '../../config/client-settings.js';
import { loadConfig } from '../../config/load-config.js';
import type { Secret } from '../../config/secret.js';
import { formatBytes } from '../../models/download/progress-reporter.js';
import { withoutSecrets } from '../../models/download/without-secrets.js';
import { importModel } from '../../models/import-model.js';
import { KNOWN_MODELS } from '../../models/known-models.js';
import { LICENCES } from '../../models/licence/licence-terms.js';
import { openModelHome, type ModelHome } from '../../models/model-home.js';
import { configuredStoreUrl } from '../store-url.js';
import type { LocalModel } from '../../models/store/local-model.js';
import type { ModelVersion } from '../../models/versions/version-registry.js';
import { GatewayClient } from '../client.js';
import { CliExit, EXIT } from '../exit-codes.js';
import { KEY_HELP, URL_HELP, type ServerFlags } from '../options.js';
import { printTable } from '../table.js';
import { auditedModelChange, openModelChangeAudit } from './model-change-audit.js';
import { printAdded } from './pull.js';
import { jsonText, safe } from '../terminal-text.js';

interface ModelRow {
  id: string;
  owned_by: string;
  flambeau?: { locality?: string; upstream_model?: string; provider_type?: string; loaded?: boolean; embeddings?: boolean; threads?: number };
}

const HOME_HELP = 'home folder (default FLAMBEAU_HOME or ~/.flambeau)';
const CONFIG_HELP = 'config file giving store.url and cluster.redis_url (default FLAMBEAU_CONFIG or ./flambeau.yaml)';

/**
 * `flambeau models`: with no subcommand (or `list`), the running server's models, as before.
 * `list --local`, `show`, `import`, `rm`, `promote`, `rollback`, `known` work on the home folder
 * directly (no server needed); a running server sees promote/rollback on its next request. Import,
 * promote, rollback and rm write their audit record in the same transaction as their registry
 * write (model-change-audit.ts), as `flambeau pull` does: every change of what can serve is in the log.
 */
export function registerModels(program: Command): void {
  const models = program
    .command('models')
    .description('Models: what the server serves (default), and the model files you own in HOME/models.')
    .option('--url <url>', URL_HELP)
    .option('--key <key>', KEY_HELP)
    .option('--home <dir>', 'home folder holding master.key')
    .option('--json', 'print JSON')
    .addHelpText(
      'after',
      [
        '',
        'Files you own (no server needed):',
        '  flambeau pull qwen2.5-0.5b-instruct          download a known model (or hf:..., ollama:..., https://... --sha256)',
        '  flambeau models import ./my.gguf --name mine  add a local file (no network)',
        '  flambeau models list --local                  served names, versions, files',
        '  flambeau models show NAME                     architecture, parameters, quantisation, context, template, licence, source',
        '  flambeau models promote NAME 2 [--canary 10]  switch NAME to version 2 (or send it 10% of requests first), no restart',
        '  flambeau models rollback NAME                 drop the canary, or return to the previous version',
        '  flambeau models rm NAME                       forget NAME and delete its files no other name uses',
        '  flambeau models known                         the built-in list, with licences',
      ].join('\n'),
    )
    .action(async (opts: ServerFlags & { json?: boolean }) => listServer(opts));
  // `models` has a --home of its own, and commander gives a flag to the first command that
  // declares it: `models promote NAME 2 --home DIR` sets the parent's, so read both.
  const homeOf = (opts: { home?: string }): string | undefined => opts.home ?? (models.opts() as { home?: string }).home;

  models
    .command('list')
    .description("List the running server's models, or with --local the served names and files of the home folder.")
    .option('--local', "the home folder's served names, versions and files (no server)")
    .option('--url <url>', URL_HELP)
    .option('--key <key>', KEY_HELP)
    .option('--home <dir>', HOME_HELP)
    .option('--json', 'print JSON')
    .action(async (opts: ServerFlags & { json?: boolean; local?: boolean }) =>
      opts.local === true ? withHome(homeOf(opts), (h) => listLocal(h, opts.json === true)) : listServer(opts),
    );

  models
    .command('show')
    .description('Describe a served name (or a sha256): architecture, parameters, quantisation, context, chat template, licence, source, versions.')
    .argument('<name>')
    .option('--home <dir>', HOME_HELP)
    .option('--json', 'print JSON')
    .action(async (name: string, opts: { home?: string; json?: boolean }) => withHome(homeOf(opts), (h) => show(h, name, opts.json === true)));

  models
    .command('import')
    .description('Add a local .gguf file (no network): copied (or hard-linked) into HOME/models, hashed, its metadata read.')
    .argument('<path>', 'the .gguf file')
    .option('--name <name>', 'served name (default: the file stem); an existing name gets a new version')
    .option('--link', 'hard-link instead of copying (same file system only; falls back to a copy)')
    .option('--home <dir>', HOME_HELP)
    .action(async (path: string, opts: { name?: string; link?: boolean; home?: string }) =>
      withHome(homeOf(opts), async (h) => {
        const audit = openModelChangeAudit(h);
        try {
          const options = { ...(opts.name === undefined ? {} : { name: opts.name }), link: opts.link === true };
          printAdded(await importModel(path, options, { ...h, withVersionWrite: audit.versionWrite }));
        } finally {
          audit.close();
        }
      }),
    );

  models
    .command('promote')
    .description('Point NAME at VERSION (the next request uses it; no restart). With --canary, send it only PERCENT of requests first.')
    .argument('<name>')
    .argument('<version>', 'a version number (2 or v2)')
    .option('--canary <percent>', 'share of requests for VERSION, 1-99; promote again without --canary to finish')
    .option('--home <dir>', HOME_HELP)
    .option('--config <file>', CONFIG_HELP)
    .action(async (name: string, version: string, opts: { canary?: string; home?: string; config?: string }) =>
      withHome(
        homeOf(opts),
        async (h) => {
          const number = Number(version.replace(/^v/i, ''));
          if (!Number.isInteger(number) || number < 1) throw new CliExit(EXIT.usage, `version must be a number such as 2 or v2, got "${version}".`);
          const canary = opts.canary === undefined ? undefined : Number(opts.canary);
          const change = { kind: 'promote', name, version: number, canaryPercent: canary ?? null } as const;
          const p = await auditedModelChange(h, change, (tx) =>
            h.registry.promote(name, number, canary === undefined ? { tx } : { canaryPercent: canary, tx }),
          );
          process.stdout.write(
            p.canary !== null
              ? safe`${name}: v${p.canary} gets ${p.canaryPercent}% of requests, v${p.current} the rest.\n`
              : safe`${name}: v${p.current} is current (previous: ${p.previous === null ? 'none' : `v${p.previous}`}).\n`,
          );
          await announceModelChange(name, { home: h.home, config: opts.config });
        },
        opts.config,
      ),
    );

  models
    .command('rollback')
    .description("Drop NAME's canary, or return NAME to its previous version (no restart).")
    .argument('<name>')
    .option('--home <dir>', HOME_HELP)
    .option('--config <file>', CONFIG_HELP)
    .action(async (name: string, opts: { home?: string; config?: string }) =>
      withHome(
        homeOf(opts),
        async (h) => {
          const p = await auditedModelChange(h, { kind: 'rollback', name }, (tx) => h.registry.rollback(name, tx));
          process.stdout.write(safe`${name}: v${p.current} is current${p.previous === null ? '' : ` (rollback again returns to v${p.previous})`}.\n`);
          await announceModelChange(name, { home: h.home, config: opts.config });
        },
        opts.config,
      ),
    );

  models
    .command('rm')
    .description('Forget a served name and delete its files that no other name uses (or delete one file by sha256).')
    .argument('<name>')
    .option('--home <dir>', HOME_HELP)
    .option('--config <file>', CONFIG_HELP)
    .action(async (name: string, opts: { home?: string; config?: string }) =>
      withHome(
        homeOf(opts),
        async (h) => {
          if (await remove(h, name)) await announceModelChange(name, { home: h.home, config: opts.config });
        },
        opts.config,
      ),
    );

  models
    .command('known')
    .description('The built-in list of well-known open-weight models `flambeau pull NAME` accepts, with their licences.')
    .option('--json', 'print JSON')
    .action((opts: { json?: boolean }) => {
      if (opts.json === true) return void process.stdout.write(`${jsonText(KNOWN_MODELS)}\n`);
      printTable(
        ['NAME', 'SIZE', 'QUANT', 'LICENCE', 'COMMERCIAL', 'SOURCE'],
        KNOWN_MODELS.map((m) => [
          m.name,
          `~${formatBytes(m.approxSizeMb * 1e6)}`,
          m.quantisation,
          [m.licence, ...m.alsoLicensedUnder].join(' + '),
          [m.licence, ...m.alsoLicensedUnder].every((id) => LICENCES[id]?.commercial === true) ? 'yes' : 'no',
          m.ref,
        ]),
      );
    });
}

async function listServer(opts: ServerFlags & { json?: boolean }): Promise<void> {
  const client = new GatewayClient(resolveClientSettings(opts));
  const list = await client.getJson<{ data: ModelRow[] }>('/v1/models');
  if (opts.json === true) return void process.stdout.write(`${jsonText(list.data)}\n`);
  printTable(
    ['MODEL', 'PROVIDER', 'TYPE', 'LOCALITY', 'UPSTREAM', 'LOADED', 'THREADS'],
    list.data.map((m) => [
      m.id,
      m.owned_by,
      m.flambeau?.provider_type ?? '',
      m.flambeau?.locality ?? '',
      m.flambeau?.upstream_model ?? '',
      m.flambeau?.loaded === undefined ? '-' : m.flambeau.loaded ? 'yes' : 'no',
      m.flambeau?.threads === undefined ? '-' : String(m.flambeau.threads),
    ]),
  );
}

/**
 * Tells the instances of a cluster (`cluster.redis_url`) that NAME changed, so that they drop its
 * cached pointer at once instead of within 10 s. Alone (no Redis), nothing to do: the server reads
 * the pointer on each request.
 */
async function announceModelChange(name: string, where: { home: string; config: string | undefined }): Promise<void> {
  let settings: { redisUrl: Secret | null; namespace: string };
  try {
    settings = loadConfig({ home: where.home, ...(where.config === undefined ? {} : { configPath: where.config }) }).cluster;
  } catch (error) {
    process.stderr.write(`warning: the config could not be read (${(error as Error).message}); running instances see the change within 10 s.\n`);
    return;
  }
  if (settings.redisUrl === null) return;
  let failed: string | null = null;
  const bus = await createRedisClusterBus({
    url: settings.redisUrl.reveal(),
    namespace: settings.namespace,
    onError: (what, error) => (failed ??= `${what}: ${error.message}`),
  });
  await bus.publish({ type: 'model-changed', name });
  await bus.close();
  if (failed !== null) process.stderr.write(`warning: the cluster was not told (${failed}); running instances see the change within 10 s.\n`);
}

/** Opens HOME's models and the store of `store.url` (from `configPath`, else ./flambeau.yaml or FLAMBEAU_STORE_URL). */
async function withHome<T>(home: string | undefined, run: (h: ModelHome) => T | Promise<T>, configPath?: string): Promise<T> {
  const h = await openModelHome(home ?? (process.env.FLAMBEAU_HOME || undefined), configuredStoreUrl(home, configPath));
  try {
    return await run(h);
  } finally {
    await h.close();
  }
}

async function listLocal(h: ModelHome, json: boolean): Promise<void> {
  const files = await h.store.list();
  const rows = [];
  for (const name of await h.registry.names()) {
    const p = await h.registry.pointer(name);
    const versions = await h.registry.versions(name);
    const current = versions.find((v) => v.version === p?.current);
    const file = files.find((f) => f.sha256 === current?.sha256);
    rows.push({
      name,
      current: p?.current ?? null,
      canary: p?.canary ?? null,
      canaryPercent: p?.canaryPercent ?? null,
      versions: versions.length,
      sha256: current?.sha256 ?? null,
      size: file?.size ?? null,
      quantisation: file?.gguf.quantisation ?? null,
      licence: file?.licence.id ?? null,
    });
  }
  if (json) return void process.stdout.write(`${jsonText({ served: rows, files })}\n`);
  printTable(
    ['NAME', 'VERSION', 'CANARY', 'SIZE', 'QUANT', 'LICENCE', 'SHA256'],
    rows.map((r) => [
      r.name,
      `v${r.current} of ${r.versions}`,
      r.canary === null ? '-' : `v${r.canary} ${r.canaryPercent}%`,
      r.size === null ? '?' : formatBytes(r.size),
      r.quantisation ?? '?',
      r.licence ?? 'unknown',
      (r.sha256 ?? '').slice(0, 12),
    ]),
  );
}

async function show(h: ModelHome, name: string, json: boolean): Promise<void> {
  const pointer = await h.registry.pointer(name);
  const versions = await h.registry.versions(name);
  const sha = pointer === undefined ? name : versions.find((v) => v.version === pointer.current)?.sha256;
  const model = sha === undefined || !/^[0-9a-f]{64}$/.test(sha) ? null : await h.store.readManifest(sha);
  if (model === null) throw new CliExit(EXIT.requestFailed, `error: no served name or file "${name}" in ${h.home} (see \`flambeau models list --local\`).`);
  if (json) return void process.stdout.write(`${jsonText({ name, pointer: pointer ?? null, versions, model })}\n`);
  const out: string[] = [];
  const add = (k: string, v: string) => out.push(`${k.padEnd(14)}${safe`${v}`}`);
  const g = model.gguf;
  add('name', name);
  add('architecture', g.architecture ?? 'unknown');
  add('parameters', [g.parameters === null ? null : g.parameters.toLocaleString('en'), g.sizeLabel].filter((x) => x !== null).join(' / ') || 'unknown');
  add('quantisation', g.quantisation ?? 'unknown');
  add('context', g.contextLength === null ? 'unknown' : `${g.contextLength} tokens (trained)`);
  add('chat template', g.hasChatTemplate ? 'yes (in the GGUF)' : 'no (set chat_template in the config)');
  add('licence', licenceSummary(model));
  // A manifest written before sources were stripped may still hold a URL's password or signed query.
  add('source', `${withoutSecrets(model.source.ref)}${model.source.verified ? ' (sha256 verified)' : ''}`);
  add('file', `${h.store.blobPath(model.sha256)} (${formatBytes(model.size)})`);
  add('sha256', model.sha256);
  if (pointer !== undefined) {
    add(
      'versions',
      versions
        .map(
          (v) =>
            `v${v.version}${v.version === pointer.current ? ' (current)' : ''}${v.version === pointer.canary ? ` (canary ${pointer.canaryPercent}%)` : ''} ${v.sha256.slice(0, 12)}`,
        )
        .join(', '),
    );
  }
  process.stdout.write(`${out.join('\n')}\n`);
}

function licenceSummary(model: LocalModel): string {
  const ids = [model.licence.id, ...model.licence.also].filter((x): x is string => x !== null);
  if (ids.length === 0)
    return `unknown${model.gguf.license === null ? '' : ` (general.license: ${model.gguf.license})`}; check its terms before serving others`;
  return (
    ids
      .map((id) => {
        const t = LICENCES[id];
        if (t === undefined) return `${id} (not in flambeau's list)`;
        const users = t.maxMonthlyUsers === null ? '' : `, up to ${t.maxMonthlyUsers.toLocaleString('en')} monthly users`;
        return `${t.title}: ${t.commercial ? 'commercial use allowed' : 'non-commercial only'}${users}${t.attribution === null ? '' : `; ${t.attribution}`} [${t.source}]`;
      })
      .join(' + ') + ` (from ${model.licence.from})`
  );
}

/**
 * True when a served name was forgotten (not a bare file deleted). Forgetting a name is recorded
 * (`model.removed`, with its versions and their sha256) in the transaction that forgets it.
 * Deleting a file no name uses is not: it could not serve, and files are each host's own.
 */
async function remove(h: ModelHome, name: string): Promise<boolean> {
  if ((await h.registry.versions(name)).length > 0) {
    const audit = openModelChangeAudit(h);
    let versions: ModelVersion[];
    try {
      versions = await audit.record(
        (tx) => h.registry.removeName(name, tx),
        (removed) => (removed.length === 0 ? null : { kind: 'remove', name, versions: removed }),
      );
    } finally {
      audit.close();
    }
    const deleted: string[] = [];
    for (const sha of new Set(versions.map((v) => v.sha256))) {
      if ((await h.registry.usersOf(sha)).length > 0) continue;
      await h.store.remove(sha);
      deleted.push(sha.slice(0, 12));
    }
    process.stdout.write(safe`${name} removed${deleted.length === 0 ? '' : `; deleted ${deleted.join(', ')}`}.\n`);
    return true;
  }
  if (/^[0-9a-f]{64}$/.test(name) && (await h.store.readManifest(name)) !== null) {
    const users = await h.registry.usersOf(name);
    if (users.length > 0) throw new CliExit(EXIT.requestFailed, `error: ${name.slice(0, 12)} is used by ${users.join(', ')}; remove those names first.`);
    await h.store.remove(name);
    process.stdout.write(safe`deleted ${name.slice(0, 12)}.\n`);
    return false;
  }
  throw new CliExit(EXIT.requestFailed, `error: no served name or file "${name}" in ${h.home}.`);
}
