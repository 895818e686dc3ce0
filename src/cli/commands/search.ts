import type { Command } from 'commander';
import { resolveClientSettings } from '../../config/client-settings.js';
import { GatewayClient } from '../client.js';
import { CliExit, EXIT } from '../exit-codes.js';
import { collect, KEY_HELP, URL_HELP, type ServerFlags } from '../options.js';
import { jsonText, safe } from '../terminal-text.js';

interface WireHit {
  collection: string;
  text: string;
  score: number;
  citation: { path: string; page: number | null; heading: string | null; sender: string | null; subject: string | null; date: string };
}

/**
 * Over HTTP (`POST /v1/knowledge/search`), like `chat`: the server has the embedding model
 * loaded already, and the key's collection scopes apply.
 */
export function registerSearch(program: Command): void {
  program
    .command('search')
    .description('Hybrid search (BM25 + vectors) in knowledge collections, through the running gateway.')
    .argument('<query>', 'what to look for')
    .option('--collection <name>', 'collection to search (repeatable; default: all the key may read)', collect, [])
    .option('-k, --k <n>', 'number of chunks', '8')
    .option('--mode <mode>', 'hybrid, bm25 or vector', 'hybrid')
    .option('--path <prefix>', 'only files under this absolute path')
    .option('--since <date>', 'only documents dated on or after (ISO date)')
    .option('--until <date>', 'only documents dated before (ISO date)')
    .option('--sender <text>', 'only e-mails whose sender contains this')
    .option('--url <url>', URL_HELP)
    .option('--key <key>', KEY_HELP)
    .option('--home <dir>', 'home folder holding master.key')
    .option('--json', 'print JSON')
    .action(
      async (
        query: string,
        opts: ServerFlags & { collection: string[]; k: string; mode: string; path?: string; since?: string; until?: string; sender?: string; json?: boolean },
      ) => {
        const k = Number(opts.k);
        if (!Number.isInteger(k) || k < 1 || k > 100) throw new CliExit(EXIT.usage, 'error: -k must be an integer from 1 to 100.');
        if (!['hybrid', 'bm25', 'vector'].includes(opts.mode)) throw new CliExit(EXIT.usage, 'error: --mode must be hybrid, bm25 or vector.');
        const filters = {
          ...(opts.path === undefined ? {} : { path_prefix: opts.path }),
          ...(opts.since === undefined ? {} : { since: opts.since }),
          ...(opts.until === undefined ? {} : { until: opts.until }),
          ...(opts.sender === undefined ? {} : { sender: opts.sender }),
        };
        const body = {
          query,
          k,
          mode: opts.mode,
          ...(opts.collection.length === 0 ? {} : { collections: opts.collection }),
          ...(Object.keys(filters).length === 0 ? {} : { filters }),
        };
        const result = await new GatewayClient(resolveClientSettings(opts)).sendJson<{ data: WireHit[] }>('POST', '/v1/knowledge/search', body);
        if (opts.json === true) {
          process.stdout.write(`${jsonText(result.data)}\n`);
          return;
        }
        if (result.data.length === 0) process.stdout.write('nothing found\n');
        result.data.forEach((hit, i) => {
          const c = hit.citation;
          const where = [c.path, c.page === null ? null : `p. ${c.page}`, c.heading, c.sender === null ? null : `from ${c.sender}`]
            .filter((p) => p !== null)
            .join(' · ');
          const excerpt = hit.text.replace(/\s+/g, ' ');
          process.stdout.write(
            safe`[${i + 1}] ${where}  (${hit.collection}, score ${hit.score.toFixed(4)})\n    ${excerpt.length > 240 ? `${excerpt.slice(0, 239)}…` : excerpt}\n`,
          );
        });
      },
    );
}
