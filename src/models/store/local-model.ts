import { z } from 'zod';

/**
 * The manifest kept beside each blob (HOME/models/manifests/sha256-<hex>.json): where the file
 * came from and what it is. The blob itself is HOME/models/blobs/sha256-<hex>.
 */
export const localModelSchema = z.object({
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  size: z.number().int().nonnegative(),
  addedAt: z.string(),
  source: z.object({
    kind: z.enum(['hf', 'ollama', 'url', 'import']),
    /** The ref as given (`hf:...`, `ollama:...`, a URL, or the imported path). */
    ref: z.string(),
    /** The known model name it was pulled as, if any. */
    known: z.string().nullable(),
    url: z.string().nullable(),
    /** Whether the hub vouched for the sha256 (LFS etag, OCI digest, --sha256) or it was only computed. */
    verified: z.boolean(),
  }),
  gguf: z.object({
    architecture: z.string().nullable(),
    name: z.string().nullable(),
    parameters: z.number().nullable(),
    sizeLabel: z.string().nullable(),
    quantisation: z.string().nullable(),
    contextLength: z.number().nullable(),
    hasChatTemplate: z.boolean(),
    license: z.string().nullable(),
    licenseName: z.string().nullable(),
  }),
  licence: z.object({
    /** An id of licence-terms.ts, or null when unknown. */
    id: z.string().nullable(),
    from: z.enum(['known-model', 'gguf', 'none']),
    /** Licences that also apply (a distilled model's base). */
    also: z.array(z.string()),
  }),
  ollama: z.object({ template: z.string().optional(), params: z.record(z.string(), z.unknown()).optional(), licenseText: z.string().optional() }).optional(),
});

export type LocalModel = z.infer<typeof localModelSchema>;
