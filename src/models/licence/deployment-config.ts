/** The `deployment:` section is declared in config/ (config imports no domain); models/licence/ reads it from here. */
export { deploymentFileSchema, toDeployment } from '../../config/sections/deployment-section.js';
export type { Deployment, DeploymentFile } from '../../config/sections/deployment-section.js';
