/**
 * A source as a manifest, `models show` or the audit log may keep it. A plain URL can carry a
 * password (`https://user:pw@…`) or a signed query (`?X-Amz-Signature=…`, `?token=…`; a hub's CDN
 * answers with one), and manifests and the log are kept and shown: scheme, host and path only. `hf:` and `ollama:` refs and imported paths have
 * neither (model-ref.ts admits no query in them).
 */
export function withoutSecrets(ref: string): string {
  if (!/^https?:\/\//i.test(ref)) return ref;
  try {
    const url = new URL(ref);
    return `${url.protocol}//${url.host}${url.pathname}`;
  } catch {
    return '[unparseable url]';
  }
}
