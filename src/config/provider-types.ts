/**
 * Where a model runs. Declared in the config, never guessed from a URL or a name: the router and
 * the privacy guard rely on it. providers/spec.ts re-exports it; declared here because the config
 * schema checks it and config/ imports no domain.
 */
export const LOCALITIES = ['device', 'lan', 'cloud'] as const;
export type Locality = (typeof LOCALITIES)[number];

/**
 * The provider types a config may declare (`providers[].type`): the zod enum of the config file and
 * the `ProviderType` union come from this list, and providers/registry.ts maps each to its factory
 * in a `Record<ProviderType, …>`, so a type added here does not compile until it has one.
 * `llamacpp` is the embedded engine (no base_url, always device); the others are remote APIs.
 */
export const PROVIDER_TYPES = ['openai-compatible', 'anthropic', 'llamacpp'] as const;
export type ProviderType = (typeof PROVIDER_TYPES)[number];
