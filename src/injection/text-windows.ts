/** A slice of a (normalised) text that is scored on its own: `text.slice(start, end)`. */
export interface TextWindow {
  start: number;
  end: number;
}

export interface WindowPlan {
  windows: TextWindow[];
  /** Share of the text's characters inside at least one window (1 unless the text was too long). */
  coverage: number;
}

/**
 * Overlapping windows of `size` characters every `stride` characters, so that any passage of up to
 * `size - stride` characters lies whole inside one window: an instruction planted in the middle of
 * a long mail is scored next to a little of its context, not diluted in the whole mail.
 *
 * Work is bounded: past `maxWindows`, windows are spread evenly from head to tail (both always
 * kept) and `coverage` says how much was read.
 */
export function planWindows(length: number, size: number, stride: number, maxWindows: number): WindowPlan {
  if (length <= size) return { windows: [{ start: 0, end: length }], coverage: 1 };
  const starts: number[] = [];
  const last = length - size;
  for (let s = 0; s < last; s += stride) starts.push(s);
  starts.push(last);
  if (starts.length <= maxWindows) {
    // Pushed rather than mapped: `map` makes a holey array, whose other map made the featuriser's
    // optimised code bail out again and again (V8's "wrong map"; decision 0006, speed, round 8).
    const windows: TextWindow[] = [];
    for (const s of starts) windows.push({ start: s, end: s + size });
    return { windows, coverage: 1 };
  }
  const picked: TextWindow[] = [];
  for (let i = 0; i < maxWindows; i++) {
    const s = Math.round((i * last) / (maxWindows - 1));
    picked.push({ start: s, end: s + size });
  }
  let covered = 0;
  let reach = 0;
  for (const w of picked) {
    covered += Math.max(0, w.end - Math.max(w.start, reach));
    reach = Math.max(reach, w.end);
  }
  return { windows: picked, coverage: covered / length };
}
