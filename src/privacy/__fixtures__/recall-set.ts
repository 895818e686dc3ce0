import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { parseLabelledSet, type LabelledExample } from './labelled-set.js';

/**
 * The evaluation set of issue 14 (recall of the privacy detectors): hand-written texts
 * (recall-handwritten.txt, French and English, with the hard cases; recall-handwritten-2.txt,
 * a second batch in the style of synthetic PII sets and French clinical notes) and generated ones
 * (recall-generated.jsonl, see generate-recall-set.ts). Neither is used to train the tagger.
 */
export interface RecallSet {
  handwritten: LabelledExample[];
  generated: LabelledExample[];
}

const exampleSchema = z.object({
  id: z.string(),
  split: z.enum(['dev', 'heldout']),
  lang: z.enum(['fr', 'en']),
  text: z.string(),
  spans: z.array(z.object({ type: z.string(), start: z.number().int().nonnegative(), end: z.number().int().nonnegative() })),
});

export function loadRecallSet(): RecallSet {
  const handwritten = ['./recall-handwritten.txt', './recall-handwritten-2.txt'].flatMap((file) =>
    parseLabelledSet(readFileSync(new URL(file, import.meta.url), 'utf8')),
  );
  const generated = readFileSync(new URL('./recall-generated.jsonl', import.meta.url), 'utf8')
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line) => exampleSchema.parse(JSON.parse(line)));
  return { handwritten, generated };
}
