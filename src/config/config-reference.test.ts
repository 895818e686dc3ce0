import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { HOME_ENTRIES } from './home-layout.js';
import { PROVIDER_TYPES } from './provider-types.js';
import { LOCATIONS, SETTINGS, shownDefault } from './settings.js';

// README.md's "Configuration reference" is the settings table for readers: this keeps them equal,
// as errors/codes.test.ts keeps docs/errors.md equal to the code table.
const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
const section = readme.slice(readme.indexOf('\n## Configuration reference\n'), readme.indexOf('\n## ', readme.indexOf('\n## Configuration reference\n') + 1));

/** The rows of the first markdown table after `header`, as trimmed cells (cells hold no `|`). */
function tableAfter(header: string): string[][] {
  const lines = section.slice(section.indexOf(header)).split('\n');
  const rows: string[][] = [];
  for (const line of lines.slice(2)) {
    if (!line.startsWith('|')) break;
    rows.push(
      line
        .slice(1, -1)
        .split('|')
        .map((cell) => cell.trim()),
    );
  }
  return rows;
}

const code = (text: string | undefined): string => (text === undefined ? '' : `\`${text}\``);

describe('README.md Configuration reference', () => {
  const rows = tableAfter('| key | env | flag | default | meaning |');

  it('lists every setting of the table, once, with its env var, flag and default', () => {
    const expected = new Map<string, readonly [string, string, string]>([
      ...SETTINGS.map((s) => [code(s.key), [code(s.env), s.flag === undefined ? '' : `\`--${s.flag}\``, shownDefault(s)]] as const),
      ...Object.values(LOCATIONS).map((l) => [l.name, [code(l.env), `\`--${l.flag}\``, l.shownDefault]] as const),
    ]);
    const problems: string[] = [];
    const seen = new Set<string>();
    for (const [key, env = '', flag = '', shown = ''] of rows) {
      const want = expected.get(key as string);
      if (want === undefined) problems.push(`extra row ${key}: not in src/config/settings.ts`);
      else if (seen.has(key as string)) problems.push(`row ${key} appears twice`);
      else {
        const [wantEnv, wantFlag, wantDefault] = want;
        if (env !== wantEnv) problems.push(`row ${key}: env is ${env || '(none)'}, the table says ${wantEnv || '(none)'}`);
        if (flag !== wantFlag) problems.push(`row ${key}: flag is ${flag || '(none)'}, the table says ${wantFlag || '(none)'}`);
        if (!shown.startsWith(wantDefault)) problems.push(`row ${key}: default is ${shown || '(empty)'}, the table says ${wantDefault}`);
      }
      seen.add(key as string);
    }
    for (const key of expected.keys()) if (!seen.has(key)) problems.push(`missing row ${key}`);
    assert.deepEqual(problems, []);
  });

  it('names every entry of the home folder in the home folder row', () => {
    const home = rows.find(([key]) => key === LOCATIONS.home.name)?.[4] ?? '';
    const missing = Object.values(HOME_ENTRIES).filter((name) => !home.includes(`\`${name}\``) && !home.includes(`\`${name}/\``));
    assert.deepEqual(missing, []);
  });

  it('names every provider type in the providers[] type row', () => {
    const type = tableAfter('| field | required | meaning |').find(([field]) => field === '`type`')?.[2] ?? '';
    assert.deepEqual(
      PROVIDER_TYPES.filter((t) => !type.includes(`\`${t}\``)),
      [],
    );
  });
});
