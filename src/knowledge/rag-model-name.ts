/** `rag:notes/local-chat`, `rag:notes+mail/auto`: the collections to retrieve from and the model to ask. */
export interface RagModelName {
  collections: string[];
  model: string;
}

/**
 * Parses a `rag:` model name: collections (joined by `+` or `,`) before the first `/`, the model
 * name (or `auto`, or a route name) after it. Null when the name is not a `rag:` name or is
 * malformed (the caller then reports `model_not_found` as for any unknown name).
 */
export function parseRagModelName(name: string): RagModelName | null {
  if (!name.startsWith('rag:')) return null;
  const rest = name.slice(4);
  const slash = rest.indexOf('/');
  if (slash <= 0 || slash === rest.length - 1) return null;
  const collections = rest
    .slice(0, slash)
    .split(/[+,]/)
    .map((c) => c.trim());
  if (collections.some((c) => !isCollectionName(c))) return null;
  return { collections, model: rest.slice(slash + 1) };
}

/** Letters, digits, `_`, `-`, `.`; 1 to 64 characters, not starting with a dot. */
export function isCollectionName(name: string): boolean {
  return /^[\p{L}\p{N}_-][\p{L}\p{N}_.-]{0,63}$/u.test(name);
}
