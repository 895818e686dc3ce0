import { DocumentBuilder, type DocumentLoader } from '../source-document.js';
import { decodeText } from './decode-text.js';

/**
 * Markdown: ATX headings (`#`..`######`) open sections and set the heading path; paragraphs
 * (blank-line separated) are blocks. Fenced code stays one block whatever blank lines it holds.
 */
export const markdownLoader: DocumentLoader = {
  extensions: ['.md', '.markdown', '.mdx'],
  async load(bytes) {
    const builder = new DocumentBuilder();
    const path: string[] = [];
    let title: string | undefined;
    let paragraph: string[] = [];
    let fenced = false;
    let boundary = false;
    const flush = (): void => {
      const heading = path.filter((h) => h !== '').join(' > ');
      builder.add(paragraph.join('\n'), { ...(heading === '' ? {} : { heading }), ...(boundary ? { boundary } : {}) });
      if (paragraph.join('').trim() !== '') boundary = false;
      paragraph = [];
    };
    for (const line of decodeText(bytes).replace(/\r\n?/g, '\n').split('\n')) {
      if (/^\s*(```|~~~)/.test(line)) fenced = !fenced;
      const match = fenced ? null : /^(#{1,6})\s+(.*?)\s*#*\s*$/.exec(line);
      if (match !== null) {
        flush();
        const level = (match[1] as string).length;
        const text = match[2] as string;
        path.length = level - 1;
        path[level - 1] = text;
        title ??= level === 1 ? text : undefined;
        boundary = true;
        continue;
      }
      if (!fenced && line.trim() === '') flush();
      else paragraph.push(line);
    }
    flush();
    return [builder.build(title === undefined ? {} : { title })];
  },
};
