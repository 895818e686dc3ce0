import { createDeflateRaw, crc32, deflateRawSync } from 'node:zlib';

/**
 * Writers of tiny, valid documents for the loader tests (the repo ships no binary fixtures):
 * a PDF with one text page per entry, a DOCX with headings and paragraphs, e-mails and mailboxes.
 */

/** A PDF 1.4 with one page per string (Helvetica, WinAnsi text), with a correct xref table. */
export function makePdf(pages: readonly string[]): Buffer {
  const objects: string[] = [];
  const pageIds = pages.map((_, i) => 4 + i * 2);
  objects[1] = '<< /Type /Catalog /Pages 2 0 R >>';
  objects[2] = `<< /Type /Pages /Kids [${pageIds.map((id) => `${id} 0 R`).join(' ')}] /Count ${pages.length} >>`;
  objects[3] = '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>';
  pages.forEach((text, i) => {
    const id = pageIds[i] as number;
    const lines = text
      .split('\n')
      .map((line) => `(${latin1Escape(line)}) Tj T*`)
      .join(' ');
    const stream = `BT /F1 12 Tf 14 TL 72 720 Td ${lines} ET`;
    objects[id] = `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> >> /Contents ${id + 1} 0 R >>`;
    objects[id + 1] = `<< /Length ${Buffer.byteLength(stream, 'latin1')} >>\nstream\n${stream}\nendstream`;
  });
  let out = '%PDF-1.4\n';
  const offsets: number[] = [];
  for (let id = 1; id < objects.length; id++) {
    offsets[id] = Buffer.byteLength(out, 'latin1');
    out += `${id} 0 obj\n${objects[id]}\nendobj\n`;
  }
  const xref = Buffer.byteLength(out, 'latin1');
  out += `xref\n0 ${objects.length}\n0000000000 65535 f \n`;
  for (let id = 1; id < objects.length; id++) out += `${String(offsets[id]).padStart(10, '0')} 00000 n \n`;
  out += `trailer\n<< /Size ${objects.length} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, 'latin1');
}

function latin1Escape(text: string): string {
  return text.replace(/[\\()]/g, (c) => `\\${c}`);
}

/** A DOCX (WordprocessingML in a zip) whose blocks are headings (`# ` prefix) or paragraphs. */
export function makeDocx(blocks: readonly string[]): Buffer {
  const body = blocks
    .map((block) => {
      const heading = block.startsWith('# ');
      const text = escapeXml(heading ? block.slice(2) : block);
      return `<w:p>${heading ? '<w:pPr><w:pStyle w:val="Heading1"/></w:pPr>' : ''}<w:r><w:t xml:space="preserve">${text}</w:t></w:r></w:p>`;
    })
    .join('');
  return makeDocxBody(body);
}

/** A DOCX whose `w:body` is the given WordprocessingML (runs with their own properties), and extra `w:style` elements. */
export function makeDocxBody(body: string, extraStyles = ''): Buffer {
  return makeZip([
    ...docxPackageParts(extraStyles),
    ['word/document.xml', `<?xml version="1.0" encoding="UTF-8"?><w:document ${WORD_NS}><w:body>${body}</w:body></w:document>`],
  ]);
}

const WORD_NS = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"';

/** Every part of a DOCX but its document.xml. */
function docxPackageParts(extraStyles = ''): Array<readonly [string, string]> {
  const ns = WORD_NS;
  return [
    [
      '[Content_Types].xml',
      '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/><Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/></Types>',
    ],
    [
      '_rels/.rels',
      '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>',
    ],
    [
      'word/_rels/document.xml.rels',
      '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>',
    ],
    [
      'word/styles.xml',
      `<?xml version="1.0" encoding="UTF-8"?><w:styles ${ns}><w:style w:type="paragraph" w:styleId="Heading1"><w:name w:val="heading 1"/></w:style>${extraStyles}</w:styles>`,
    ],
  ];
}

/**
 * A DOCX whose document.xml inflates to about `inflatedBytes` of paragraphs, deflated as a
 * stream so the test never holds it: a bomb, small on disk (300 MB of XML is about 1 MB).
 * `declaredSize` makes its headers lie about the inflated size.
 */
export async function makeDocxBomb(inflatedBytes: number, options: { declaredSize?: number } = {}): Promise<Buffer> {
  const head = Buffer.from(`<?xml version="1.0" encoding="UTF-8"?><w:document ${WORD_NS}><w:body>`);
  const tail = Buffer.from('</w:body></w:document>');
  const paragraph = '<w:p><w:r><w:t>All work and no play makes a dull document.</w:t></w:r></w:p>';
  const block = Buffer.from(paragraph.repeat(Math.ceil((1 << 20) / paragraph.length)));
  const deflater = createDeflateRaw();
  const packed: Buffer[] = [];
  deflater.on('data', (chunk: Buffer) => packed.push(chunk));
  const done = new Promise((resolve, reject) => deflater.on('end', resolve).on('error', reject));
  let crc = 0;
  let size = 0;
  const write = async (bytes: Buffer): Promise<void> => {
    crc = crc32(bytes, crc);
    size += bytes.length;
    if (!deflater.write(bytes)) await new Promise((resolve) => deflater.once('drain', resolve));
  };
  await write(head);
  while (size + block.length + tail.length <= inflatedBytes) await write(block);
  await write(tail);
  deflater.end();
  await done;
  return makeZip([...docxPackageParts(), { name: 'word/document.xml', packed: Buffer.concat(packed), crc, size: options.declaredSize ?? size }]);
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** An entry deflated beforehand, with the crc and the (possibly lying) inflated size its headers give. */
export interface PackedEntry {
  name: string;
  packed: Buffer;
  crc: number;
  size: number;
}

/** A zip archive of deflated entries (local headers, central directory, end record). */
export function makeZip(entries: ReadonlyArray<readonly [string, string] | PackedEntry>): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    const { name, packed, crc, size } = 'packed' in entry ? entry : packText(entry[0], entry[1]);
    const data = { length: size };
    const nameBytes = Buffer.from(name, 'utf8');
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(8, 8); // deflate
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(packed.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBytes.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(8, 10);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(packed.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(nameBytes.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, nameBytes, packed);
    centrals.push(central, nameBytes);
    offset += local.length + nameBytes.length + packed.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

function packText(name: string, text: string): PackedEntry {
  const data = Buffer.from(text, 'utf8');
  return { name, packed: deflateRawSync(data), crc: crc32(data), size: data.length };
}

export interface TestMail {
  from: string;
  to: string;
  date: string;
  subject: string;
  body: string;
}

/** One RFC 5322 message (UTF-8, quoted-printable body so accents survive any transport). */
export function makeEml(mail: TestMail): string {
  return [
    `From: ${mail.from}`,
    `To: ${mail.to}`,
    `Date: ${mail.date}`,
    `Subject: =?UTF-8?B?${Buffer.from(mail.subject, 'utf8').toString('base64')}?=`,
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: 8bit',
    '',
    mail.body,
    '',
  ].join('\r\n');
}

/** An mboxrd mailbox: each message after a `From ` separator line, body `From ` lines quoted. */
export function makeMbox(mails: readonly TestMail[]): string {
  return mails
    .map(
      (mail) =>
        `From sender@example.org Thu Jan  1 00:00:00 2026\n${makeEml(mail)
          .replace(/\r\n/g, '\n')
          .replace(/^(>*From )/gm, '>$1')}\n`,
    )
    .join('');
}
