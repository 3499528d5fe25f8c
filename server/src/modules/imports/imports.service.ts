import { type DataSource } from 'typeorm';

import {
  type ImportJobDto,
  type ImportMappingInput,
  type ImportPreviewDto,
  type ImportRowReport,
  importMappingSchema,
} from '@contracts/dto/import';
import { type UserDto } from '@contracts/dto/user';
import { contactVisible, scopeParams, seesAll } from '@server/common/access/visibility';
import { PG_UNIQUE_VIOLATION, pgErrorCode } from '@server/common/errors/app-error';
import { type Logger } from '@server/common/logger/logger';
import { type ContactsService } from '@server/modules/contacts/contacts.service';
import { type SheetTable } from '@server/modules/imports/import-file';
import {
  type CheckedRow,
  type ExistingPhones,
  checkRow,
  isDuplicateIssue,
  lookupKeys,
  markDuplicates,
  report,
  suggestCustom,
  suggestMapping,
} from '@server/modules/imports/import-rows';
import { type CustomValues } from '@contracts/dto/custom-field';
import {
  applyCustomValues,
  type CustomFieldsService,
  type FieldDefinition,
  fromCell,
} from '@server/modules/custom-fields/custom-fields.service';
import { importsError } from '@server/modules/imports/imports.errors';
import { readSheet } from '@server/modules/imports/read-sheet';

/** Campaigns read their call lists with the same sheet reader and row checks as the contact import. */
export { readSheet };
export { checkRow, markDuplicates, report, suggestMapping } from '@server/modules/imports/import-rows';

type JobState = Omit<ImportJobDto, 'id' | 'fileName'>;

interface JobRow {
  id: string;
  owner_id: string;
  file_name: string;
  status: ImportJobDto['status'];
  total: number;
  processed: number;
  imported: number;
  invalid: number;
  duplicates: number;
  problems: ImportRowReport[];
  /** Seconds since the last progress write. */
  idle_seconds: number;
  /** Columns of the uploaded sheet (0 once the job has ended). */
  width: number;
}

/** Uploaded files are held this long between upload, mapping and the finished report. */
const JOB_TTL_MINUTES = 30;
/** A running job writes progress every CHUNK rows; one silent this long lost its node. */
const STALE_SECONDS = 120;
const SAMPLE_ROWS = 5;
/** Preview cells are cut to this: the preview answers with a glance at the file, never with the file. */
const PREVIEW_CELL_CHARS = 200;
/** Rows inserted between progress writes (and between re-checks for numbers another import added). */
const CHUNK = 25;
/** How often a job waiting for the insert slot tries again. */
const SLOT_RETRY_MS = 200;

const JOB_COLUMNS = `id, owner_id, file_name, status, total, processed, imported, invalid, duplicates, problems,
  extract(epoch FROM now() - updated_at)::float8 AS idle_seconds,
  coalesce(jsonb_array_length(sheet->'columns'), 0) AS width`;

/**
 * Contacts import as a job in the database: upload → preview with a guessed mapping → start → the client
 * polls progress (any web node answers) → per-row report. The rows are inserted in the background by the
 * node that was asked to start, one import at a time across all nodes, re-checking for numbers added meanwhile.
 */
export class ImportsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly contacts: ContactsService,
    private readonly defaultCountry: () => string,
    private readonly logger?: Logger,
    private readonly fields?: CustomFieldsService,
  ) {}

  /** A CSV or XLSX read under the import's caps (size, rows, columns, parser memory), for other modules' imports. */
  readTable(fileName: string, data: Buffer): Promise<SheetTable> {
    return readSheet(fileName, data);
  }

  async upload(viewer: UserDto, fileName: string, data: Buffer): Promise<ImportPreviewDto> {
    await this.purge();
    const table = await readSheet(fileName, data);
    const [row] = (await this.dataSource.query(
      `INSERT INTO import_jobs (owner_id, file_name, sheet, total) VALUES ($1, $2, $3, $4) RETURNING id`,
      [viewer.id, fileName, JSON.stringify(table), table.rows.length],
    )) as { id: string }[];
    return {
      id: row!.id,
      fileName,
      format: table.format,
      columns: table.columns.map(clip),
      sample: table.rows.slice(0, SAMPLE_ROWS).map((row) => row.map(clip)),
      rowCount: table.rows.length,
      suggestedMapping: suggestMapping(table.columns),
      suggestedCustom: suggestCustom(table.columns, (await this.fields?.active('contact')) ?? []),
    };
  }

  async get(viewer: UserDto, id: string): Promise<ImportJobDto> {
    const job = await this.find(viewer, id);
    if (job.status === 'running' && job.idle_seconds > STALE_SECONDS) {
      this.logger?.warn({ importId: id }, 'import stopped with its node; marked failed');
      await this.dataSource.query(
        `UPDATE import_jobs SET status = 'failed', sheet = NULL, inserting = false WHERE id = $1`,
        [id],
      );
      job.status = 'failed';
    }
    return toDto(job);
  }

  /** Validates every row now (so the counts are known at once), then inserts the good rows in the background. */
  async start(viewer: UserDto, id: string, input: ImportMappingInput): Promise<ImportJobDto> {
    const mapping = importMappingSchema.parse(input);
    const job = await this.find(viewer, id);
    if (job.status !== 'uploaded') throw importsError('IMPORT_ALREADY_STARTED');
    const { custom: customColumns, ...builtIn } = mapping;
    for (const index of [...Object.values(builtIn), ...Object.values(customColumns)]) {
      if (index !== null && index >= job.width) throw importsError('IMPORT_BAD_MAPPING');
    }
    const defs = (await this.fields?.active('contact')) ?? [];
    if (Object.keys(customColumns).some((key) => !defs.some((d) => d.key === key))) {
      throw importsError('IMPORT_BAD_MAPPING');
    }
    // The transition is the guard: of two nodes asked at once, one gets the sheet.
    // TypeORM answers an UPDATE with [rows, affected].
    const [[claimed]] = (await this.dataSource.query(
      `UPDATE import_jobs SET status = 'running', updated_at = now()
       WHERE id = $1 AND owner_id = $2 AND status = 'uploaded' RETURNING sheet`,
      [id, viewer.id],
    )) as [{ sheet: SheetTable }[], number];
    if (!claimed) throw importsError('IMPORT_ALREADY_STARTED');
    const table = claimed.sheet;
    const state: JobState = { ...toDto(job), status: 'running' };
    try {
      // Line 1 is the header, so the first data row is line 2 — as the user sees it in Excel.
      const checked = table.rows.map((row, i) =>
        checkCustom(checkRow(row, i + 2, mapping, this.defaultCountry()), defs, this.defaultCountry()),
      );
      const rows = markDuplicates(checked, await this.existingPhones(viewer, checked));
      for (const row of rows) if (row.issues.length > 0) reject(state, row);
      await this.save(id, state);
      void this.insertAll(
        viewer,
        id,
        state,
        rows.filter((r) => r.issues.length === 0),
        defs,
      );
    } catch (err) {
      await this.dataSource.query(`UPDATE import_jobs SET status = 'failed', sheet = NULL WHERE id = $1`, [id]);
      throw err;
    }
    return { id, fileName: job.file_name, ...state, problems: [...state.problems] };
  }

  private async insertAll(
    viewer: UserDto,
    id: string,
    state: JobState,
    good: CheckedRow[],
    defs: readonly FieldDefinition[],
  ): Promise<void> {
    try {
      await this.takeInsertSlot(id);
      for (let i = 0; i < good.length; i += CHUNK) {
        const chunk = good.slice(i, i + CHUNK);
        // Another import (or a person) may have added some of these numbers since the start.
        const taken = markDuplicates(chunk, await this.existingPhones(viewer, chunk));
        for (const row of taken) {
          if (row.issues.length > 0) {
            reject(state, row);
            continue;
          }
          try {
            await this.contacts.create(viewer, {
              name: row.name,
              email: row.email,
              tags: row.tags,
              phones: row.phones.map((p) => ({ raw: p.raw, label: null })),
              custom: customValues(row, defs),
            });
            state.imported += 1;
          } catch (err) {
            // A row the service still rejects (e.g. an email zod finds invalid) is reported, not fatal.
            this.logger?.warn({ err, line: row.line }, 'import row rejected');
            state.problems.push(report(row, 'failed'));
          }
          state.processed += 1;
        }
        state.problems.sort((a, b) => a.line - b.line);
        await this.save(id, state);
      }
      state.status = 'done';
    } catch (err) {
      this.logger?.error({ err, importId: id }, 'import failed');
      state.status = 'failed';
    }
    await this.save(id, state, true).catch((err: unknown) =>
      this.logger?.error({ err, importId: id }, 'import result not saved'),
    );
  }

  /**
   * One job inserts at a time, across all nodes (uq_import_jobs_one_inserting). A waiting job keeps its row fresh so
   * it is not taken for dead; a job whose node died while inserting gives the slot up once it goes stale.
   */
  private async takeInsertSlot(id: string): Promise<void> {
    for (;;) {
      await this.dataSource.query(
        `UPDATE import_jobs SET inserting = false, status = 'failed', sheet = NULL
         WHERE inserting AND updated_at < now() - make_interval(secs => $1)`,
        [STALE_SECONDS],
      );
      try {
        await this.dataSource.query(`UPDATE import_jobs SET inserting = true, updated_at = now() WHERE id = $1`, [id]);
        return;
      } catch (err) {
        if (pgErrorCode(err) !== PG_UNIQUE_VIOLATION) throw err;
      }
      await this.dataSource.query(`UPDATE import_jobs SET updated_at = now() WHERE id = $1`, [id]);
      await new Promise((resolve) => setTimeout(resolve, SLOT_RETRY_MS));
    }
  }

  private save(id: string, state: JobState, final = false): Promise<unknown> {
    return this.dataSource.query(
      `UPDATE import_jobs SET status = $2, processed = $3, imported = $4, invalid = $5, duplicates = $6,
         problems = $7, updated_at = now()${final ? ', sheet = NULL, inserting = false' : ''}
       WHERE id = $1`,
      [
        id,
        state.status,
        state.processed,
        state.imported,
        state.invalid,
        state.duplicates,
        JSON.stringify(state.problems),
      ],
    );
  }

  /**
   * Numbers already on any contact — across all owners, since a duplicate is a duplicate whoever owns it — and
   * whether the importer may see a contact holding each (the report says no more about the others).
   */
  private async existingPhones(viewer: UserDto, rows: CheckedRow[]): Promise<ExistingPhones> {
    const keys = lookupKeys(rows);
    const found = await this.dataSource
      .createQueryBuilder()
      .select('cp.e164', 'e164')
      .addSelect('cp.last10', 'last10')
      .addSelect(seesAll(viewer) ? 'true' : contactVisible('c'), 'visible')
      .from('contact_phones', 'cp')
      .innerJoin('contacts', 'c', 'c.id = cp.contact_id')
      .where('(cp.e164 = ANY(:e164) OR cp.last10 = ANY(:last10))', { ...keys, ...scopeParams(viewer) })
      .getRawMany<{ e164: string | null; last10: string | null; visible: boolean }>();
    const e164 = new Map<string, boolean>();
    const last10 = new Map<string, boolean>();
    for (const r of found) {
      if (r.e164) e164.set(r.e164, r.visible || e164.get(r.e164) === true);
      if (r.last10) last10.set(r.last10, r.visible || last10.get(r.last10) === true);
    }
    return { e164, last10 };
  }

  private async find(viewer: UserDto, id: string): Promise<JobRow> {
    const [job] = (await this.dataSource.query(
      `SELECT ${JOB_COLUMNS} FROM import_jobs
       WHERE id = $1 AND created_at > now() - make_interval(mins => $2)`,
      [id, JOB_TTL_MINUTES],
    )) as JobRow[];
    // Someone else's import answers 404 like a missing one, so ids cannot be probed.
    if (!job || job.owner_id !== viewer.id) throw importsError('IMPORT_NOT_FOUND');
    return job;
  }

  private async purge(): Promise<void> {
    await this.dataSource.query(
      `DELETE FROM import_jobs WHERE created_at < now() - make_interval(mins => $1) AND status <> 'running'`,
      [JOB_TTL_MINUTES],
    );
  }
}

const clip = (cell: string) => (cell.length > PREVIEW_CELL_CHARS ? `${cell.slice(0, PREVIEW_CELL_CHARS)}…` : cell);

function toDto(job: JobRow): ImportJobDto {
  return {
    id: job.id,
    fileName: job.file_name,
    status: job.status,
    total: job.total,
    processed: job.processed,
    imported: job.imported,
    invalid: job.invalid,
    duplicates: job.duplicates,
    problems: job.problems,
  };
}

/** Counts a row that will not be inserted, as invalid or as a duplicate, and reports it. */
function reject(state: JobState, row: CheckedRow): void {
  const duplicate = row.issues.some(isDuplicateIssue);
  if (duplicate) state.duplicates += 1;
  else state.invalid += 1;
  state.processed += 1;
  state.problems.push(report(row, duplicate ? 'duplicate' : 'invalid'));
}

/** The row's custom cells read as their fields' values (empty cells left out). */
function customValues(row: CheckedRow, defs: readonly FieldDefinition[]): CustomValues {
  const out: CustomValues = {};
  for (const def of defs) {
    const value = row.custom[def.key] === undefined ? undefined : fromCell(def, row.custom[def.key]!);
    if (value !== undefined) out[def.key] = value;
  }
  return out;
}

/** A row whose custom cells break the fields' rules (or leave a required one empty) is `bad-custom-field`. */
function checkCustom(row: CheckedRow, defs: readonly FieldDefinition[], country: string): CheckedRow {
  if (defs.length === 0) return row;
  const { issues } = applyCustomValues(defs, customValues(row, defs), {}, { creating: true, country });
  if (issues.length === 0) return row;
  return {
    ...row,
    issues: [...row.issues, 'bad-custom-field'],
    customFields: issues.map((i) => i.field.replace(/^custom\./, '')),
  };
}
