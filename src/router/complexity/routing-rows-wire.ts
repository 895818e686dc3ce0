import { z } from 'zod';
import { FlambeauError } from '../../errors/index.js';

/**
 * One labelled prompt: did the weak (local) and the strong (cloud) model answer it well?
 * The format of `train.jsonl.gz` (RouteLLM-derived) and of an operator's own labelled traffic.
 */
export interface RoutingRow {
  id: string;
  /** Group the metrics are reported by (e.g. 'mmlu', 'gsm8k', or the operator's own label). */
  bench: string;
  subject: string;
  prompt: string;
  /** 1 when the weak model's answer was right (fractions allowed for graded answers). */
  weak: number;
  strong: number;
}

const outcome = z.union([z.number().min(0).max(1), z.boolean().transform((b) => (b ? 1 : 0))]);

const rowSchema = z.object({
  id: z.union([z.string().min(1), z.number().transform(String)]),
  bench: z.string().min(1).default('default'),
  subject: z.string().default(''),
  prompt: z.string(),
  weak: outcome,
  strong: outcome,
});

/**
 * Parses JSON Lines text into rows. Blank lines are skipped; a bad line throws `invalid_request`
 * naming the line and the field, never its text (it may be a private prompt).
 */
export function parseRoutingRows(text: string): RoutingRow[] {
  const rows: RoutingRow[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]?.trim() ?? '';
    if (line === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (cause) {
      throw new FlambeauError('invalid_request', `Routing data line ${i + 1} is not JSON.`, { details: { line: i + 1 }, cause });
    }
    const parsed = rowSchema.safeParse(value);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const field = issue?.path.join('.') ?? '';
      throw new FlambeauError('invalid_request', `Routing data line ${i + 1}: field '${field}' ${issue?.message ?? 'is invalid'}.`, {
        details: { line: i + 1, field },
      });
    }
    rows.push(parsed.data);
  }
  return rows;
}
