/**
 * Bounds on what one file may cost to read, so that a hostile or broken file (a zip bomb, a PDF
 * of a million pages, a 2 GB text file) is listed as excluded and the run goes on instead of
 * taking the process down. Settings `knowledge.max_*` (see config/settings.ts).
 */
export interface IngestLimits {
  /** Largest file read whole (mailboxes are streamed message by message and exempt). */
  maxFileBytes: number;
  /** Most bytes a compressed format (DOCX) may inflate to, counted while inflating: headers can lie. */
  maxInflatedBytes: number;
  /** Most inflated bytes per byte of the file (a text DOCX is about 5:1 to 20:1; a bomb, hundreds). */
  maxInflateRatio: number;
  /** Most entries in a zip container (each costs an object in the parser). */
  maxZipEntries: number;
  /** Most pages read from one PDF. */
  maxPdfPages: number;
  /**
   * Heap of the worker thread that converts DOCX and PDF files: a file that needs more is
   * excluded, and the worker (never the ingest process) is what runs out of memory.
   */
  loaderMemoryMb: number;
}

export const DEFAULT_INGEST_LIMITS: Readonly<IngestLimits> = Object.freeze({
  maxFileBytes: 100 * 1024 * 1024,
  maxInflatedBytes: 100 * 1024 * 1024,
  maxInflateRatio: 100,
  maxZipEntries: 10_000,
  maxPdfPages: 5_000,
  loaderMemoryMb: 1024,
});

/** Human bytes for reasons: "100 MB". */
export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${+(bytes / (1024 * 1024)).toFixed(1)} MB`;
  if (bytes >= 1024) return `${+(bytes / 1024).toFixed(1)} KB`;
  return `${bytes} B`;
}
