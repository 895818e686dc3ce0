/**
 * flambeau's own README and docs that do not talk about injection, chunked as ingest chunks them,
 * as benign `document` rows: a yardstick for the trainer's tuning report only (never trained or
 * calibrated on: they change with every commit, and the weights must not).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EXCLUDED_TEXT } from '../src/injection/training/package-docs.js';
import type { InjectionRow } from '../src/injection/training/injection-rows.js';
import { chunkDocument } from '../src/knowledge/index.js';
import { markdownLoader } from '../src/knowledge/loaders/markdown-loader.js';

export async function repoDocRows(root: string): Promise<InjectionRow[]> {
  const files = ['README.md', ...walk(join(root, 'docs')).map((f) => `docs/${f}`)];
  const rows: InjectionRow[] = [];
  for (const file of files) {
    const text = readFileSync(join(root, file), 'utf8');
    if (/injection/i.test(text) || EXCLUDED_TEXT.test(text)) continue;
    for (const doc of await markdownLoader.load(Buffer.from(text, 'utf8'), file))
      for (const c of chunkDocument(doc))
        if (c.text.trim().length >= 40)
          rows.push({ text: c.text, label: 0, origin: `flambeau:docs/${file}`, lang: 'en', category: 'repo-doc', hardNegative: false, channel: 'document' });
  }
  return rows;
}

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .sort((a, b) => (a.name < b.name ? -1 : 1))
    .flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)).map((f) => `${e.name}/${f}`) : e.name.endsWith('.md') ? [e.name] : []));
}
