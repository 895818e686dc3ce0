import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { FlambeauError } from '../errors/index.js';
import type { InjectionModel } from './injection-model.js';
import { decodeInjectionModel } from './injection-weights-wire.js';

/** The weights shipped with flambeau (trained by `npm run train:injection`). */
export const SHIPPED_INJECTION_WEIGHTS = fileURLToPath(new URL('./injection-weights.json', import.meta.url));

/**
 * flambeau's hand-written FR/EN sets (with hard negatives), never trained on; read by the trainer
 * and the bench. The first one was looked at row by row while the training data was written (its
 * figures flatter); the blind one was written afterwards and only its totals were ever read.
 */
export const HANDWRITTEN_HELDOUT_PATH = fileURLToPath(new URL('./data/heldout-handwritten.jsonl', import.meta.url));
export const BLIND_HELDOUT_PATH = fileURLToPath(new URL('./data/heldout-blind.jsonl', import.meta.url));
/**
 * A second blind set (54 rows, FR/EN, user/document/tool, hard negatives), written before the
 * second round of training data and calibration; only the bench reads it, and only its totals were
 * read, once, for the final weights.
 */
export const BLIND_2_HELDOUT_PATH = fileURLToPath(new URL('./data/heldout-blind-2.jsonl', import.meta.url));

/** Reads and decodes a weights file (default: the shipped one). Missing or corrupt: `internal`. */
export function loadInjectionModel(path: string = SHIPPED_INJECTION_WEIGHTS): InjectionModel {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (cause) {
    throw new FlambeauError('internal', 'Cannot read the injection weights file.', { details: { path }, cause });
  }
  return decodeInjectionModel(text);
}
