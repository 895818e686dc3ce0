/**
 * Writes labelled-set.jsonl from labelled-set.txt (the source, easier to read and edit):
 * one JSON object per document with `text` and gold `spans` as UTF-16 offsets, for other tools.
 * Run after editing the .txt: `node --import tsx src/privacy/__fixtures__/export-labelled-set.ts`.
 * A test fails while the two disagree.
 */
import { writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { loadLabelledSet } from './labelled-set.js';

export function labelledSetJsonl(): string {
  return (
    loadLabelledSet()
      .map((example) => JSON.stringify(example))
      .join('\n') + '\n'
  );
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  writeFileSync(new URL('./labelled-set.jsonl', import.meta.url), labelledSetJsonl());
}
