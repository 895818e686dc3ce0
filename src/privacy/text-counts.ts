/**
 * Counts of a few characters that detectors need, taken in one pass over the text before any
 * detector runs: a detector whose every match needs more of them than the text holds (a phone
 * number six digits, a card twelve) is not started at all. For the one-line prompts most requests
 * carry, starting a detector (its regex, its per-call tables) costs more than the pass.
 */
export interface TextCounts {
  /** ASCII digits 0-9 (what `\d` matches without the `u` flag, and what the detectors read). */
  readonly digits: number;
  /** Upper-case letter O (the phone detector reads it as a zero: "O6 12 34 56 78"). */
  readonly capitalO: number;
  readonly dots: number;
  readonly colons: number;
}

export function countText(text: string): TextCounts {
  let digits = 0;
  let capitalO = 0;
  let dots = 0;
  let colons = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c <= 58) {
      if (c >= 48) {
        if (c === 58) colons++;
        else digits++;
      } else if (c === 46) dots++;
    } else if (c === 79) capitalO++;
  }
  return { digits, capitalO, dots, colons };
}
