/** The `injection:` section is declared in config/ (config imports no domain); injection/ reads it from here. */
export { injectionConfigSchema } from '../config/sections/injection-section.js';
export type { InjectionAction, InjectionConfig } from '../config/sections/injection-section.js';
