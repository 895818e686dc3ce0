import { z } from 'zod';

/** The `deployment:` section, as start-up's licence check (models/licence/) reads it. */
export interface Deployment {
  /** personal: one person, non-commercial; internal: inside an organisation; commercial: a product or service. */
  use: 'personal' | 'internal' | 'commercial';
  /** Monthly active users of what the models serve; null: not stated. */
  monthlyUsers: number | null;
  /** What start-up does with a model whose licence forbids this use. */
  onViolation: 'refuse' | 'warn';
}

/**
 * The `deployment:` section of flambeau.yaml:
 * ```yaml
 * deployment: { use: commercial, monthly_users: 5000, on_licence_violation: refuse }
 * ```
 * Absent: no licence check at start-up (a personal install need not declare anything).
 */
export const deploymentFileSchema = z.strictObject({
  use: z.enum(['personal', 'internal', 'commercial']),
  monthly_users: z.number().int().nonnegative().optional(),
  /** refuse (default): start-up stops naming the model and the reason; warn: it logs and serves. */
  on_licence_violation: z.enum(['refuse', 'warn']).optional(),
});
export type DeploymentFile = z.infer<typeof deploymentFileSchema>;

export function toDeployment(file: DeploymentFile | undefined): Deployment | null {
  if (file === undefined) return null;
  return { use: file.use, monthlyUsers: file.monthly_users ?? null, onViolation: file.on_licence_violation ?? 'refuse' };
}
