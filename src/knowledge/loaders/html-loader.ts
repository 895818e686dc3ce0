import { DocumentBuilder, type DocumentLoader, type SourceDocument } from '../source-document.js';
import { decodeText } from './decode-text.js';
import { DepthBoundedParser } from '../../markup/depth-bounded-parser.js';

const BLOCKS = new Set([
  'p',
  'div',
  'li',
  'ul',
  'ol',
  'pre',
  'blockquote',
  'table',
  'tr',
  'td',
  'th',
  'section',
  'article',
  'header',
  'footer',
  'main',
  'aside',
  'br',
  'hr',
  'dt',
  'dd',
  'figcaption',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
]);
const SKIPPED = new Set(['script', 'style', 'noscript', 'template', 'svg', 'head']);
/** `<meta charset=X>` and `<meta http-equiv="Content-Type" content="text/html; charset=X">` alike. */
const META_CHARSET = /<meta\s[^>]*?charset\s*=\s*["']?\s*([\w.:-]+)/i;

/** HTML: headings open sections and set the heading path; block elements are blocks. */
export const htmlLoader: DocumentLoader = {
  extensions: ['.html', '.htm', '.xhtml'],
  async load(bytes) {
    return [htmlDocument(htmlSource(bytes))];
  },
};

/** The page's text, decoded by its declared charset (or sniffed): what the loader parses. */
export function htmlSource(bytes: Buffer): string {
  return decodeText(bytes, declaredCharset(bytes));
}

/** The charset a page declares in its first 2 KB, where browsers look for it too. */
function declaredCharset(bytes: Buffer): { declared?: string } {
  const match = META_CHARSET.exec(bytes.subarray(0, 2048).toString('latin1'));
  return match === null ? {} : { declared: match[1] as string };
}

/** Also used for DOCX (mammoth renders it to HTML) and HTML-only e-mails. */
export function htmlDocument(html: string, fields: Omit<SourceDocument, 'text' | 'blocks'> = {}): SourceDocument {
  const builder = new DocumentBuilder();
  const path: string[] = [];
  let text = '';
  let headingLevel = 0;
  let skipDepth = 0;
  let inTitle = false;
  let title = '';
  let boundary = false;
  const flush = (): void => {
    if (text.trim() === '') return;
    const heading = path.filter((h) => h !== '').join(' > ');
    builder.add(text.replace(/[ \t\r\n]+/g, ' '), { ...(heading === '' ? {} : { heading }), ...(boundary ? { boundary } : {}) });
    boundary = false;
    text = '';
  };
  // Bounded: htmlparser2's own Parser takes time in the square of the nesting (depth-bounded-parser.ts).
  const parser = new DepthBoundedParser(
    {
      onopentag(name) {
        if (name === 'title') inTitle = true;
        if (SKIPPED.has(name)) skipDepth += 1;
        if (!BLOCKS.has(name)) return;
        flush();
        const level = /^h([1-6])$/.exec(name);
        if (level !== null) headingLevel = Number(level[1]);
      },
      ontext(data) {
        if (inTitle) title += data;
        else if (skipDepth === 0) text += data;
      },
      onclosetag(name) {
        if (name === 'title') inTitle = false;
        if (SKIPPED.has(name)) skipDepth = Math.max(0, skipDepth - 1);
        if (!BLOCKS.has(name)) return;
        if (headingLevel > 0 && /^h[1-6]$/.test(name)) {
          path.length = headingLevel - 1;
          path[headingLevel - 1] = text.replace(/\s+/g, ' ').trim();
          text = '';
          headingLevel = 0;
          boundary = true;
          return;
        }
        flush();
      },
    },
    { decodeEntities: true, lowerCaseTags: true },
  );
  parser.parse(html);
  flush();
  const cleanTitle = title.replace(/\s+/g, ' ').trim() || path[0];
  return builder.build({ ...(cleanTitle === undefined || cleanTitle === '' ? {} : { title: cleanTitle }), ...fields });
}
