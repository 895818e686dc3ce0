import { DepthBoundedParser, MAX_HTML_DEPTH } from '../../markup/depth-bounded-parser.js';

/**
 * Why a piece of HTML (or DOCX: `vanish`, see hidden-docx.ts) text does not show to a reader.
 * `deep_nesting`: inside more than MAX_HTML_DEPTH nested elements, whose styles the parser no
 * longer reads (depth-bounded-parser.ts); no document a person wrote nests that deep, so the
 * text there is scanned as hidden rather than trusted as shown. `alternate_content`: a DOCX's
 * `mc:Fallback`, which mammoth converts and Word does not show (hidden-docx.ts).
 */
export type HiddenHow =
  | 'comment'
  | 'display_none'
  | 'visibility_hidden'
  | 'zero_size'
  | 'invisible_color'
  | 'transparent'
  | 'hidden_attribute'
  | 'offscreen'
  | 'vanish'
  | 'deep_nesting'
  | 'alternate_content';

export interface HiddenHtmlText {
  how: HiddenHow;
  text: string;
  /** Offsets of the hidden part in the HTML source (from its first to its last character). */
  start: number;
  end: number;
}

const VOID = new Set(['area', 'base', 'br', 'col', 'embed', 'hr', 'img', 'input', 'link', 'meta', 'param', 'source', 'track', 'wbr']);

/** Reads an inline `style` and says whether it hides the element's text from a human reader. */
export function hiddenByStyle(style: string): HiddenHow | null {
  const s = style.toLowerCase().replace(/\s+/g, '');
  if (/(?:^|;)display:none/.test(s)) return 'display_none';
  if (/(?:^|;)visibility:(?:hidden|collapse)/.test(s)) return 'visibility_hidden';
  if (/(?:^|;)font-size:0(?:[a-z%]*)?(?:;|!|$)/.test(s) || /(?:^|;)font-size:0?\.0*[0-9](?:px|pt)/.test(s)) return 'zero_size';
  if (/(?:^|;)(?:max-)?(?:height|width):0(?:px)?(?:;|$)/.test(s) && /overflow:hidden/.test(s)) return 'zero_size';
  if (/(?:^|;)opacity:0(?:\.0+)?(?:;|!|$)/.test(s)) return 'transparent';
  // White or near-white (every channel 240 or more), or transparent, on the (assumed) white page.
  if (
    /(?:^|;)color:(?:#f[0-9a-f]f[0-9a-f]f[0-9a-f]|#f{3}|white|transparent|rgba?\((?:2(?:4[0-9]|5[0-5]),){2}2(?:4[0-9]|5[0-5])(?:,1(?:\.0+)?)?\)|rgba\([0-9]+,[0-9]+,[0-9]+,0(?:\.0+)?\))(?:;|!|$)/.test(
      s,
    )
  )
    return 'invisible_color';
  if (/(?:^|;)(?:left|top|text-indent):-[0-9]{4,}/.test(s)) return 'offscreen';
  return null;
}

/**
 * The text of an HTML document that a reader does not see but a model does: comments, and text
 * inside elements hidden by inline style (display:none, visibility:hidden, zero font size, white
 * or transparent colour, off-screen) or by the `hidden` attribute. White text on a white page is
 * assumed (the usual trick): a dark-themed mail with white text is reported too, which only costs
 * a scan of that text. Classes and style sheets are not resolved.
 */
export function findHiddenHtml(html: string): HiddenHtmlText[] {
  const found: HiddenHtmlText[] = [];
  // Per open element, how it or an element around it hides its text (null: shown): the innermost
  // answer is the last entry, so every tag and text costs the same at any depth.
  const stack: (HiddenHow | null)[] = [];
  let current: { how: HiddenHow; text: string; start: number; end: number } | null = null;
  const hiddenNow = (): HiddenHow | null => stack.at(-1) ?? null;
  const flush = () => {
    if (current !== null && current.text.trim() !== '')
      found.push({ how: current.how, text: current.text.replace(/\s+/g, ' ').trim(), start: current.start, end: current.end });
    current = null;
  };
  // Bounded: htmlparser2's own Parser takes time in the square of the nesting.
  const parser = new DepthBoundedParser(
    {
      onopentag(name, attributes) {
        if (VOID.has(name)) return;
        const own =
          parser.depth > MAX_HTML_DEPTH
            ? 'deep_nesting'
            : 'hidden' in attributes
              ? 'hidden_attribute'
              : attributes.style === undefined
                ? null
                : hiddenByStyle(attributes.style);
        const before = hiddenNow();
        stack.push(own ?? before);
        if (before === null && own !== null) flush();
      },
      onclosetag(name) {
        if (VOID.has(name)) return;
        const wasHidden = hiddenNow();
        stack.pop();
        if (wasHidden !== null && hiddenNow() === null) flush();
      },
      ontext(text) {
        const how = hiddenNow();
        if (how === null) return;
        if (current === null) current = { how, text: '', start: parser.startIndex, end: parser.endIndex + 1 };
        current.text += text;
        current.end = parser.endIndex + 1;
      },
      oncomment(text) {
        if (text.trim() !== '') found.push({ how: 'comment', text: text.replace(/\s+/g, ' ').trim(), start: parser.startIndex, end: parser.endIndex + 1 });
      },
    },
    { decodeEntities: true, lowerCaseTags: true },
  );
  parser.parse(html);
  flush();
  return found;
}
