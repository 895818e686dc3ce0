/**
 * Coarse, cheap facts about a prompt's shape that word n-grams see poorly: how long it is, how many
 * numbers, sentences and questions it has, maths and code signals, and the answer-choice layout.
 * Each fact becomes a named bin ("numbers:5-6") so a linear model can learn any curve over it.
 */

export type PromptKind = 'choice' | 'open';

export interface TextCues {
  kind: PromptKind;
  /** Index of the first answer choice line ("\nA. ") in the text, or -1. */
  choiceStart: number;
  names: string[];
}

const CHOICE_LINE = /\n\(?[aA][.)] /;
const CODE_CUE = /```|\bdef |\bfunction\b|\breturn\b|=>|;\s*\n|#include|\bconsole\.|\bprint\(/g;
// Maths signals beyond plain digits: operators, LaTeX, unicode maths and notation such as x^2.
const MATH_CUE = /[=+*/^<>√π∑∫≤≥≠±×÷]|\\frac|\\sqrt|\$\$|\b[a-z]\s*\^|\bf\(x\)/g;
const NUMBER = /\d+(?:[.,]\d+)*/g;
const SENTENCE_END = /[.?!](?:\s|$)/g;
const CHOICE_SPLIT = /\n\(?[A-Ja-j][.)] /;

function countMatches(text: string, pattern: RegExp): number {
  pattern.lastIndex = 0;
  let count = 0;
  while (pattern.exec(text) !== null) count++;
  return count;
}

/** Bin label for a count: exact up to `exactUpTo`, then powers-of-two ranges, then a cap. */
function countBin(count: number, exactUpTo: number, cap: number): string {
  if (count <= exactUpTo) return String(count);
  if (count >= cap) return `${cap}+`;
  const low = 2 ** Math.floor(Math.log2(count));
  return `${low}-${Math.min(cap - 1, low * 2 - 1)}`;
}

/** Half-octave bins of a length, so 100 and 140 chars fall apart but 1,000 and 1,100 do not. */
function lengthBin(length: number): string {
  return String(Math.min(26, Math.floor(2 * Math.log2(length + 1))));
}

function choiceCues(text: string, choiceStart: number, names: string[]): void {
  const choices = text.slice(choiceStart).split(CHOICE_SPLIT).slice(1);
  const lengths = choices.map((c) => c.replace(/\nanswer:?\s*$/i, '').trim().length);
  const mean = lengths.reduce((a, b) => a + b, 0) / Math.max(1, lengths.length);
  names.push(`choices:${Math.min(choices.length, 6)}`, `choice-len:${lengthBin(mean)}`);
  const numeric = choices.filter((c) => /^\s*[-−–$]?\s*\d/.test(c)).length;
  names.push(`choice-numeric:${numeric === choices.length ? 'all' : numeric > 0 ? 'some' : 'none'}`);
}

/**
 * Computes the cue bins of `text` (already capped by the caller). Pure and deterministic; about
 * a dozen regex passes over at most a few thousand characters.
 */
export function textCues(text: string, fullLength: number): TextCues {
  const match = CHOICE_LINE.exec(text);
  const choiceStart = match === null ? -1 : match.index;
  const kind: PromptKind = choiceStart >= 0 ? 'choice' : 'open';
  const stem = choiceStart >= 0 ? text.slice(0, choiceStart) : text;
  const names = [
    `len:${lengthBin(fullLength)}`,
    `stem-len:${lengthBin(stem.length)}`,
    `numbers:${countBin(countMatches(stem, NUMBER), 4, 16)}`,
    `sentences:${countBin(countMatches(stem, SENTENCE_END), 4, 16)}`,
    `questions:${countBin(countMatches(stem, /\?/g), 2, 4)}`,
    `maths:${countBin(countMatches(text, MATH_CUE), 2, 16)}`,
    `code:${countBin(countMatches(text, CODE_CUE), 1, 4)}`,
    `lines:${countBin(countMatches(stem, /\n/g), 2, 16)}`,
  ];
  if (choiceStart >= 0) choiceCues(text, choiceStart, names);
  return { kind, choiceStart, names };
}
