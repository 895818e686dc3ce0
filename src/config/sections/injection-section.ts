import { z } from 'zod';
import { tableDefault } from '../settings.js';

const USER = z.enum(['allow', 'flag', 'block']);
const DOCUMENTS = z.enum(['allow', 'spotlight', 'drop', 'block']);
const TOOLS = z.enum(['allow', 'spotlight', 'block']);
const THRESHOLD = z.number().min(0).max(1);

/**
 * The `injection:` section of flambeau.yaml: what happens to a text the detector flags, per source.
 *
 * ```yaml
 * injection:
 *   user: flag            # allow | flag | block
 *   documents: spotlight  # allow | spotlight | drop | block
 *   tools: spotlight      # allow | spotlight | block
 *   threshold: 0.5        # score from which a text is flagged
 * ```
 * - `flag`: the request goes on; the finding is reported (header, audit, request log, router fact).
 * - `spotlight`: every retrieved chunk / tool result reaches the model only inside a marked data
 *   block, flagged or not (and a flagged one is reported as with `flag`).
 * - `drop`: a flagged chunk is left out of the context.
 * - `block`: the request is refused with 403 `policy_denied`.
 */
export const injectionConfigSchema = z.strictObject({
  user: USER.default(tableDefault('injection.user', USER)),
  documents: DOCUMENTS.default(tableDefault('injection.documents', DOCUMENTS)),
  tools: TOOLS.default(tableDefault('injection.tools', TOOLS)),
  threshold: THRESHOLD.default(tableDefault('injection.threshold', THRESHOLD)),
});

export type InjectionConfig = z.infer<typeof injectionConfigSchema>;
export type InjectionAction = InjectionConfig['user'] | InjectionConfig['documents'] | InjectionConfig['tools'];
