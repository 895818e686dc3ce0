/** A model file located on a hub: where to GET it and what it must hash to. */
export interface RemoteFile {
  url: string;
  /** Lower-case hex sha256 the hub vouches for; null when it gave none (the file is then hashed and recorded). */
  sha256: string | null;
  size: number | null;
  /**
   * Headers for the hub's own origin (a token): the download sends them to the origin of the hub
   * the user configured only, never to another origin (the CDN `url` may already point to).
   */
  headers: Record<string, string>;
  /** What the hub says about the model besides the file (Ollama's license/template/params layers). */
  extras: { licenseText?: string; template?: string; params?: Record<string, unknown> };
  /** A name suggested by the source (the file stem, or the Ollama name). */
  suggestedName: string;
}
