/**
 * Where a model runs. Declared in the config, never guessed from a URL or a name: the router and
 * the privacy guard rely on it. providers/spec.ts re-exports it; declared here because the config
 * schema checks it and config/ imports no domain.
 */
export const LOCALITIES = ['device', 'lan', 'cloud'] as const;
export type Locality = (typeof LOCALITIES)[number];
