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

function textsToScan(): [string, string][] {
  const recall = loadRecallSet();
  return [
    ...recall.generated.map((e): [string, string] => [`generated:${e.id}`, e.text]),
    ...recall.handwritten.map((e): [string, string] => [`handwritten:${e.id}`, e.text]),
    ...loadLabelledSet().map((d, i): [string, string] => [`labelled:${i}`, d.text]),
    ...textsOf(1024, 64).map((t, i): [string, string] => [`mixed-1k:${i}`, t]),
    ...textsOf(10 * 1024, 16).map((t, i): [string, string] => [`mixed-10k:${i}`, t]),
    ...textsOf(100 * 1024, 4).map((t, i): [string, string] => [`mixed-100k:${i}`, t]),
  ];
}

const texts = textsToScan();

export function spanLines(): string[] {
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
    if (differences++ < 20) {
      // Only the spans that changed, with the text they cover.
      const old = new Set((before[i] ?? '').split(' ').slice(2));
      const now = new Set((lines[i] ?? '').split(' ').slice(2));
      const id = (lines[i] ?? before[i] ?? '').split(' ').slice(0, 2).join(' ');
      const text = texts.find(([name]) => id.endsWith(` ${name}`))?.[1] ?? '';
      const show = (span: string) => {
        const [, from, to] = /@(\d+)-(\d+)$/.exec(span) ?? [];
        return `${span} ${JSON.stringify(text.slice(Math.max(0, Number(from) - 30), Number(from)))}[${text.slice(Number(from), Number(to))}]`;
      };
      console.log(
        `${id}: ${[...old]
          .filter((x) => !now.has(x))
          .map((x) => `-${show(x)}`)
          .join(' ')} ${[...now]
          .filter((x) => !old.has(x))
          .map((x) => `+${show(x)}`)
          .join(' ')}`,
      );
    }
  }
  const digest = createHash('sha256').update(lines.join('\n')).digest('hex').slice(0, 16);
  console.log(`${lines.length} texts scanned, ${differences} differ (spans digest ${digest})`);
  process.exit(differences === 0 ? 0 : 1);
}
