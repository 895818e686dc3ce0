import { findHiddenDocx, findHiddenHtml, hiddenDocxStyles, type HiddenHtmlText, type InjectionScanner } from '../injection/index.js';
import type { ChunkScreen } from '../knowledge/index.js';

/**
 * How ingest scores each chunk for prompt injection (source `document`, with the hidden parts of
 * an HTML or DOCX source that show in the chunk): the score and the signals' kinds are stored beside the
 * chunk, so chat reads them instead of scanning again.
 */
export function chunkScreen(scanner: InjectionScanner): ChunkScreen {
  return {
    scan(text, hidden: readonly HiddenHtmlText[]) {
      const scan = scanner.scan(text, 'document', hidden.length === 0 ? {} : { hidden });
      return { score: scan.score, signals: [...new Set(scan.signals.map((s) => s.kind))] };
    },
    hiddenHtml: findHiddenHtml,
    hiddenDocx: (documentXml, stylesXml) => findHiddenDocx(documentXml, hiddenDocxStyles(stylesXml)),
  };
}
