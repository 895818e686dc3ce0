/**
 * The spans the privacy scanner finds on the evaluation texts of issue 14 (generated and
 * hand-written), the project's labelled set and the throughput bench's mixed texts, at both
 * recall levels: one line per text, for comparing two versions of the detectors. A change meant
 * only to make the scan faster must leave every line as it was.
 *
 *   node --import tsx bench/privacy-spans.ts > /tmp/before.txt   (on the old code)
 *   node --import tsx bench/privacy-spans.ts --check /tmp/before.txt   (on the new: exit 1 on any difference)
 *
 * Not a `.bench.ts` file: `npm run bench` does not run it.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { loadLabelledSet } from '../src/privacy/__fixtures__/labelled-set.js';
import { loadRecallSet } from '../src/privacy/__fixtures__/recall-set.js';
import { privacyConfigSchema } from '../src/privacy/privacy-config.js';
import { createScanner } from '../src/privacy/scanner.js';
import { textsOf } from './privacy.bench.js';

export function spanLines(): string[] {
  const recall = loadRecallSet();
  const texts: [string, string][] = [
    ...recall.generated.map((e): [string, string] => [`generated:${e.id}`, e.text]),
    ...recall.handwritten.map((e): [string, string] => [`handwritten:${e.id}`, e.text]),
    ...loadLabelledSet().map((d, i): [string, string] => [`labelled:${i}`, d.text]),
    ...textsOf(1024, 64).map((t, i): [string, string] => [`mixed-1k:${i}`, t]),
    ...textsOf(10 * 1024, 16).map((t, i): [string, string] => [`mixed-10k:${i}`, t]),
    ...textsOf(100 * 1024, 4).map((t, i): [string, string] => [`mixed-100k:${i}`, t]),
  ];
  const lines: string[] = [];
  for (const recallLevel of ['high', 'balanced'] as const) {
    const scanner = createScanner(privacyConfigSchema.parse({ recall: recallLevel }));
    for (const [id, text] of texts) {
      const spans = scanner.scan(text).spans.map((s) => `${s.type}@${s.start}-${s.end}`);
      lines.push(`${recallLevel} ${id} ${spans.join(' ')}`);
    }
  }
  return lines;
}

const lines = spanLines();
const check = process.argv.indexOf('--check');
if (check === -1) {
  process.stdout.write(`${lines.join('\n')}\n`);
} else {
  const before = readFileSync(process.argv[check + 1]!, 'utf8')
    .trimEnd()
    .split('\n');
  let differences = 0;
  for (let i = 0; i < Math.max(before.length, lines.length); i++) {
    if (before[i] === lines[i]) continue;
    if (differences++ < 20) console.log(`- ${before[i] ?? ''}\n+ ${lines[i] ?? ''}`);
  }
  const digest = createHash('sha256').update(lines.join('\n')).digest('hex').slice(0, 16);
  console.log(`${lines.length} texts scanned, ${differences} differ (spans digest ${digest})`);
  process.exit(differences === 0 ? 0 : 1);
}
