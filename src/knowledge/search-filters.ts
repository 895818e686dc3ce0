// Its own module because the database and the text-search thread (which the database starts) both
// take it: kept in db.ts, the two would import each other.

/** Narrows a search; every field is optional but `collections`. */
export interface SearchFilters {
  collections: readonly string[];
  /** Absolute path prefix (a folder or a file). */
  pathPrefix?: string;
  /** Unix ms, inclusive: the message's date, else the file's mtime. */
  since?: number;
  /** Unix ms, exclusive. */
  until?: number;
  /** Substring of the sender (case-insensitive for ASCII). */
  sender?: string;
}
