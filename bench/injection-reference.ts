/**
 * Writes src/injection/__fixtures__/scan-reference.json: what the scanner says about the reference
 * corpus (scan-reference-corpus.ts), which scan-reference.test.ts holds every later scanner to.
 * Run it only from a scanner known to be right (the code before a speed change), and again, on
 * purpose, when the weights file or the featuriser changes the scores:
 * `node --import tsx bench/injection-reference.ts`.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { referenceCorpus } from '../src/injection/scan-reference-corpus.js';
import { referenceFigures } from '../src/injection/scan-reference.js';

export const REFERENCE_PATH = fileURLToPath(new URL('../src/injection/__fixtures__/scan-reference.json', import.meta.url));

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const figures = referenceFigures(referenceCorpus());
  writeFileSync(REFERENCE_PATH, `${JSON.stringify(figures, null, 1)}\n`);
  console.log(`wrote ${figures.length} cases to ${REFERENCE_PATH}`);
}
