import zlib from 'node:zlib';

import ExcelJS from 'exceljs';

/**
 * Import files built to hurt the parser (issue #21 item 1), shared by the security spec and the import bench.
 * All are far below the 5 MB upload cap: the damage comes from what they expand to.
 */

/** 1,000 rows, each with one cell in column XFD (16,384): ~15 KB that a cell-by-cell loop turns into 16M cells. */
export async function farColumnXlsx(rows = 1_000): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('Sheet1');
  for (let r = 1; r <= rows; r += 1) sheet.getCell(`XFD${r}`).value = `x${r}`;
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

/** A header, ~1 MB of commas after it, and one data row: a million empty columns to echo back. */
export const commaCsv = (bytes = 1024 * 1024): Buffer =>
  Buffer.from(`name,phone${','.repeat(bytes)}\r\nИван Запятых,+79160000000\r\n`);

/** A CSV whose header reaches column `columns` (default 201, one past the cap). */
export const wideCsv = (columns = 201): Buffer =>
  Buffer.from(`${Array.from({ length: columns }, (_, i) => `c${i + 1}`).join(',')}\r\nИван,+79160000000\r\n`);

/** `rows` contacts with distinct numbers (prefix `+7 9xx`), as an ordinary CSV export would look. */
export function normalCsv(rows = 10_000, prefix = '926'): Buffer {
  const lines = ['ФИО;Телефон;Почта;Теги'];
  for (let i = 0; i < rows; i += 1) {
    const n = String(i).padStart(7, '0');
    lines.push(`Клиент Номер ${i};+7 ${prefix} ${n};client${i}@example.ru;опт, vip`);
  }
  return Buffer.from(`${lines.join('\r\n')}\r\n`);
}

/** The same contacts as an XLSX (first sheet, header row). */
export async function normalXlsx(rows = 10_000, prefix = '926'): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('Контакты');
  sheet.addRow(['ФИО', 'Телефон', 'Почта', 'Теги']);
  for (let i = 0; i < rows; i += 1) {
    sheet.addRow([`Клиент Номер ${i}`, `+7 ${prefix} ${String(i).padStart(7, '0')}`, `client${i}@example.ru`, 'опт']);
  }
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

interface ZipEntry {
  name: string;
  /** The entry's text is head + body × times + tail; only one copy of body is ever compressed. */
  head: string;
  body?: string;
  times?: number;
  tail?: string;
}

const NS = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
const REL = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
const PKG_REL = 'http://schemas.openxmlformats.org/package/2006/relationships';
const XML = '<?xml version="1.0" encoding="UTF-8"?>';
const MAIN = 'application/vnd.openxmlformats-officedocument.spreadsheetml';

/** The parts every workbook needs, with one sheet and a shared-strings table. */
const skeleton: ZipEntry[] = [
  {
    name: '[Content_Types].xml',
    head:
      `${XML}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
      '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>' +
      '<Default Extension="xml" ContentType="application/xml"/>' +
      `<Override PartName="/xl/workbook.xml" ContentType="${MAIN}.sheet.main+xml"/>` +
      `<Override PartName="/xl/worksheets/sheet1.xml" ContentType="${MAIN}.worksheet+xml"/>` +
      `<Override PartName="/xl/sharedStrings.xml" ContentType="${MAIN}.sharedStrings+xml"/></Types>`,
  },
  {
    name: '_rels/.rels',
    head: `${XML}<Relationships xmlns="${PKG_REL}"><Relationship Id="rId1" Type="${REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>`,
  },
  {
    name: 'xl/workbook.xml',
    head: `${XML}<workbook xmlns="${NS}" xmlns:r="${REL}"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>`,
  },
  {
    name: 'xl/_rels/workbook.xml.rels',
    head:
      `${XML}<Relationships xmlns="${PKG_REL}">` +
      `<Relationship Id="rId1" Type="${REL}/worksheet" Target="worksheets/sheet1.xml"/>` +
      `<Relationship Id="rId2" Type="${REL}/sharedStrings" Target="sharedStrings.xml"/></Relationships>`,
  },
];

const repeats = (gib: number, body: string) => Math.ceil((gib * 2 ** 30) / body.length);

/**
 * A valid XLSX whose shared-strings table expands to `gib` GiB (1,000-character strings) from ~2.3 MiB per GiB:
 * no row or column cap is ever reached, only memory. The zip is written by hand because no zip library deflates a
 * body this size from repeats (see zip()).
 */
export function sharedStringsBombXlsx(gib = 1.5): Buffer {
  const body = `<si><t>${'A'.repeat(1_000)}</t></si>`.repeat(1_000);
  return zip([
    ...skeleton,
    {
      name: 'xl/sharedStrings.xml',
      head: `${XML}<sst xmlns="${NS}">`,
      body,
      times: repeats(gib, body),
      tail: '</sst>',
    },
    {
      name: 'xl/worksheets/sheet1.xml',
      head: `${XML}<worksheet xmlns="${NS}"><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c></row></sheetData></worksheet>`,
    },
  ]);
}

/**
 * A valid XLSX whose sheet is `gib` GiB of empty rows, stored before the shared strings as Excel orders its parts:
 * a reader that spools such a sheet to disk before parsing it writes all of it. No row has a value, so no cap on
 * rows or columns is ever reached.
 */
export function emptyRowsBombXlsx(gib = 1.5): Buffer {
  const body = '<row r="2"></row>'.repeat(10_000);
  return zip([
    ...skeleton,
    {
      name: 'xl/worksheets/sheet1.xml',
      head: `${XML}<worksheet xmlns="${NS}"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>name</t></is></c></row>`,
      body,
      times: repeats(gib, body),
      tail: '</sheetData></worksheet>',
    },
    { name: 'xl/sharedStrings.xml', head: `${XML}<sst xmlns="${NS}"></sst>` },
  ]);
}

/**
 * Each part is head + body × times + tail. Each piece is deflated once with a sync flush, and the byte-aligned
 * blocks are concatenated: a valid deflate stream, since back-references never leave their own copy.
 */
function zip(entries: ZipEntry[]): Buffer {
  const locals: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    const name = Buffer.from(entry.name);
    const head = Buffer.from(entry.head);
    const body = entry.body ? Buffer.from(entry.body) : null;
    const tail = Buffer.from(entry.tail ?? '');
    const times = body ? (entry.times ?? 1) : 0;
    // CRC first: on node 20, zlib.crc32 of an empty buffer that deflateRawSync has consumed answers 0.
    let crc = zlib.crc32(head);
    for (let i = 0; i < times; i += 1) crc = zlib.crc32(body!, crc);
    crc = zlib.crc32(tail, crc);
    const sync = { finishFlush: zlib.constants.Z_SYNC_FLUSH, level: 9 };
    const deflatedHead = zlib.deflateRawSync(head, sync);
    const deflatedBody = body ? zlib.deflateRawSync(body, sync) : Buffer.alloc(0);
    const deflatedTail = zlib.deflateRawSync(tail);
    const data = Buffer.concat([deflatedHead, ...Array<Buffer>(times).fill(deflatedBody), deflatedTail]);
    const size = head.length + (body?.length ?? 0) * times + tail.length;

    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0, 6);
    local.writeUInt16LE(8, 8);
    local.writeUInt32LE(0, 10);
    local.writeUInt32LE(crc >>> 0, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(size, 22);
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(0, 28);
    locals.push(local, name, data);

    const dir = Buffer.alloc(46);
    dir.writeUInt32LE(0x02014b50, 0);
    dir.writeUInt16LE(20, 4);
    dir.writeUInt16LE(20, 6);
    dir.writeUInt16LE(0, 8);
    dir.writeUInt16LE(8, 10);
    dir.writeUInt32LE(0, 12);
    dir.writeUInt32LE(crc >>> 0, 16);
    dir.writeUInt32LE(data.length, 20);
    dir.writeUInt32LE(size, 24);
    dir.writeUInt16LE(name.length, 28);
    dir.writeUInt32LE(offset, 42);
    central.push(dir, name);
    offset += local.length + name.length + data.length;
  }
  const directory = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}
