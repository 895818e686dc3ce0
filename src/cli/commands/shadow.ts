import type { Command } from 'commander';
import { parseSince } from '../../auth/key-options.js';
import { homePaths } from '../../config/home-layout.js';
import { loadConfig } from '../../config/load-config.js';
import { createShadowStore, shadowReport, type ShadowReportGroup } from '../../shadow/index.js';
import { openConfiguredStore } from '../../store/store.js';
import { printTable } from '../table.js';
import { jsonText } from '../terminal-text.js';
import { parseFlag } from './keys.js';
import { formatUsd } from './usage.js';

const percent = (value: number | null): string => (value === null ? '-' : `${(value * 100).toFixed(1)}%`);
const ms = (value: number | null): string => (value === null ? '-' : `${Math.round(value)}`);

/**
 * Reads the home folder's store in-process (like `router train`): comparisons are written by the
 * running gateway, and SQLite's WAL lets this read beside it.
 */
export function registerShadow(program: Command): void {
  const shadow = program.command('shadow').description('Shadow evaluation of live traffic: the stored comparisons.');
  shadow
    .command('report')
    .description('Per route and model pair: comparisons, agreement, share where the local answer was as good, cost saved.')
    .option('--since <when>', 'a date (2026-11-01), an ISO time, or a duration back from now (24h, 7d)', '7d')
    .option('--home <dir>', 'home folder')
    .option('--json', 'print JSON')
    .action(async (opts: { since: string; home?: string; json?: boolean }) => {
      const since = parseFlag(() => parseSince(opts.since, Date.now(), '--since'));
      const config = loadConfig({ home: opts.home });
      const store = await openConfiguredStore(homePaths(config.home).db, config.store.url?.reveal() ?? null);
      let groups: ShadowReportGroup[];
      try {
        groups = shadowReport(await createShadowStore(store.sql).list(since));
      } finally {
        await store.close();
      }
      if (opts.json === true) {
        process.stdout.write(`${jsonText({ since: new Date(since).toISOString(), data: groups })}\n`);
        return;
      }
      if (groups.length === 0) {
        process.stdout.write(`no shadow comparison since ${new Date(since).toISOString()}\n`);
        return;
      }
      printTable(
        [
          'ROUTE',
          'LOCAL',
          'REFERENCE',
          'COMPARISONS',
          'ERRORS',
          'DENIED',
          'AGREEMENT',
          'LOCAL AS GOOD',
          'LOCAL P50 MS',
          'REF P50 MS',
          'SAVED USD',
          'COULD SAVE USD',
          'SHADOW USD',
        ],
        groups.map((g) => [
          g.route,
          g.localModel,
          g.referenceModel,
          String(g.comparisons),
          String(g.errors),
          String(g.denied),
          percent(g.agreement),
          percent(g.localAsGood),
          ms(g.localP50Ms),
          ms(g.referenceP50Ms),
          formatUsd(g.savedUsd),
          formatUsd(g.couldSaveUsd),
          formatUsd(g.shadowCostUsd),
        ]),
      );
    });
}
