/** The `privacy:` section is declared in config/ (config imports no domain); privacy/ reads it from here. */
export { DEFAULT_PASSTHROUGH_FIELDS, privacyConfigSchema } from '../config/sections/privacy-section.js';
export type { CustomDetectorConfig, PrivacyConfig, PrivacyConfigInput } from '../config/sections/privacy-section.js';
