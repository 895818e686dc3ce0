import { existsSync } from 'node:fs';
import { basename, extname } from 'node:path';
import type { DocumentLoader } from '../source-document.js';
import { docxLoader } from './docx-loader.js';
import { emlLoader } from './eml-loader.js';
import { htmlLoader } from './html-loader.js';
import { markdownLoader } from './markdown-loader.js';
import { mboxLoader } from './mbox-loader.js';
import { pdfLoader } from './pdf-loader.js';
import { textLoader } from './text-loader.js';

/** Every format ingest reads. A new format: one loader module plus one entry here. */
export const DEFAULT_LOADERS: readonly DocumentLoader[] = [markdownLoader, textLoader, htmlLoader, pdfLoader, docxLoader, emlLoader, mboxLoader];

/** The loader for a path's extension, or undefined when the format is not supported. */
export function loaderFor(path: string, loaders: readonly DocumentLoader[] = DEFAULT_LOADERS): DocumentLoader | undefined {
  const ext = extname(path).toLowerCase();
  const byExtension = loaders.find((l) => l.extensions.includes(ext));
  if (byExtension !== undefined || !isMailClientMailbox(path)) return byExtension;
  return loaders.find((l) => l.extensions.includes('.mbox'));
}

/**
 * Mailboxes mail clients keep without the .mbox extension: Apple Mail's `Inbox.mbox/mbox`, and
 * Thunderbird's `Inbox` beside its summary file `Inbox.msf`.
 */
function isMailClientMailbox(path: string): boolean {
  return basename(path) === 'mbox' || existsSync(`${path}.msf`);
}
