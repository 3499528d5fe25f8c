import { loadExcelJs } from '@server/common/export/exceljs';
import Papa from 'papaparse';
import { type DataSource } from 'typeorm';

import { type ContactDto } from '@contracts/dto/contact';
import { type ExportContactsQuery, exportContactsQuerySchema } from '@contracts/dto/import';
import { type UserDto } from '@contracts/dto/user';
import { type ContactsService } from '@server/modules/contacts/contacts.service';
import { type CustomFieldsService, toCell } from '@server/modules/custom-fields/custom-fields.service';

/** Export stops here; a larger base is exported in parts with filters (owner, tag). */
export const EXPORT_MAX_ROWS = 50_000;
const PAGE = 100;

/** The header row; the same names are recognised by the import, so an export can be re-imported. */
export const EXPORT_COLUMNS = ['name', 'phone', 'email', 'company', 'tags', 'do_not_call'] as const;

/**
 * Spreadsheet apps run cells starting with = + - @ as formulas (CSV injection). Phone numbers like
 * "+7 916 …" are left as they are — they are not formulas — anything else risky gets a leading apostrophe.
 */
export function safeCell(value: string): string {
  if (/^[=@\t\r]/.test(value)) return `'${value}`;
  if (/^[+-]/.test(value) && !/^[+\-\d\s().]+$/.test(value)) return `'${value}`;
  return value;
}

export interface ExportFile {
  fileName: string;
  contentType: string;
  body: Buffer;
}

export class ContactsExporter {
  constructor(
    private readonly dataSource: DataSource,
    private readonly contacts: ContactsService,
    private readonly fields?: CustomFieldsService,
  ) {}

  async export(viewer: UserDto, input: ExportContactsQuery): Promise<ExportFile> {
    const q = exportContactsQuerySchema.parse(input);
    const items: ContactDto[] = [];
    for (let offset = 0; offset < EXPORT_MAX_ROWS; offset += PAGE) {
      const page = await this.contacts.list(viewer, {
        q: q.q,
        ownerId: q.ownerId,
        tag: q.tag,
        cfKey: q.cfKey,
        cfValue: q.cfValue,
        limit: PAGE,
        offset,
      });
      items.push(...page.items);
      if (page.items.length < PAGE || offset + PAGE >= page.total) break;
    }
    const companyIds = [...new Set(items.flatMap((c) => (c.companyId ? [c.companyId] : [])))];
    const companies = companyIds.length
      ? await this.dataSource.query<{ id: string; name: string }[]>(
          `SELECT id, name FROM companies WHERE id = ANY($1::uuid[])`,
          [companyIds],
        )
      : [];
    const companyName = new Map(companies.map((c) => [c.id, c.name]));
    // Custom fields after the built-in columns, headed by their keys (which the import maps back by itself).
    const custom = (await this.fields?.active('contact')) ?? [];
    const header = [...EXPORT_COLUMNS, ...custom.map((f) => f.key)];
    const rows = items.map((c) => [
      c.name,
      c.phones.map((p) => p.e164 ?? p.raw).join('; '),
      c.email ?? '',
      c.companyId ? (companyName.get(c.companyId) ?? '') : '',
      c.tags.join(', '),
      c.doNotCall ? 'yes' : '',
      ...custom.map((f) => toCell(c.custom[f.key])),
    ]);
    const stamp = new Date().toISOString().slice(0, 10);
    if (q.format === 'xlsx') {
      const ExcelJS = await loadExcelJs();
      const workbook = new ExcelJS.Workbook();
      const sheet = workbook.addWorksheet('contacts');
      sheet.addRow(header).font = { bold: true };
      // Text cells: XLSX keeps types, so "+7…" stays a string and no formula can sneak in.
      for (const row of rows) sheet.addRow(row);
      sheet.columns.forEach((col) => (col.width = 24));
      const body = Buffer.from(await workbook.xlsx.writeBuffer());
      return {
        fileName: `contacts-${stamp}.xlsx`,
        contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
        body,
      };
    }
    // BOM so Excel opens UTF-8 Cyrillic correctly; CRLF as RFC 4180 says.
    const csv = Papa.unparse({ fields: header, data: rows.map((r) => r.map(safeCell)) }, { newline: '\r\n' });
    return {
      fileName: `contacts-${stamp}.csv`,
      contentType: 'text/csv; charset=utf-8',
      body: Buffer.from(`\uFEFF${csv}`),
    };
  }
}
