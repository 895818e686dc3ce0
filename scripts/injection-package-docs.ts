/**
 * The pinned packages' docs (src/injection/training/package-docs.ts), chunked the way ingest chunks
 * documents (knowledge's Markdown and text loaders, then chunkDocument). Lives in scripts/ because
 * src/injection may not import src/knowledge (knowledge already depends on injection). Used by the
 * trainer, the model comparison script and the bench.
 */
import { chunkDocument, loaderFor } from '../src/knowledge/index.js';
import { type ChunkedDoc, type DocPart, partOfPackage, readPackageDocs } from '../src/injection/training/package-docs.js';

export interface PackageDocCorpus {
  parts: Record<DocPart, ChunkedDoc[]>;
  excluded: { path: string; reason: string }[];
  fingerprint: string;
  files: number;
  packages: number;
}

export async function loadPackageDocCorpus(root: string): Promise<PackageDocCorpus> {
  const { docs, excluded, fingerprint } = readPackageDocs(root);
  const parts: Record<DocPart, ChunkedDoc[]> = { train: [], calibration: [], tuning: [], heldout: [] };
  for (const doc of docs) {
    const loader = /\.(?:md|markdown)$/i.test(doc.path) ? loaderFor('x.md') : loaderFor('x.txt');
    if (loader === undefined) throw new Error('no Markdown or text loader');
    const chunks: string[] = [];
    for (const d of await loader.load(Buffer.from(doc.text, 'utf8'), doc.path)) for (const c of chunkDocument(d)) chunks.push(c.text);
    parts[partOfPackage(doc.pkg)].push({ doc, chunks });
  }
  return { parts, excluded, fingerprint, files: docs.length, packages: new Set(docs.map((d) => d.pkg)).size };
}
