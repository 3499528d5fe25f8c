import { randomUUID } from 'node:crypto';

import { type DataSource } from 'typeorm';

import {
  type ImportJobDto,
  type ImportMapping,
  type ImportPreviewDto,
  type ImportRowReport,
  importMappingSchema,
} from '@contracts/dto/import';
import { type UserDto } from '@contracts/dto/user';
import { type Logger } from '@server/common/logger/logger';
import { type ContactsService } from '@server/modules/contacts/contacts.service';
import { readSheet, type SheetTable } from '@server/modules/imports/import-file';
import {
  type CheckedRow,
  type ExistingPhones,
  checkRow,
  isDuplicateIssue,
  lookupKeys,
  markDuplicates,
  suggestMapping,
} from '@server/modules/imports/import-rows';
import { importsError } from '@server/modules/imports/imports.errors';

interface Job {
  id: string;
  ownerId: string;
  fileName: string;
  table: SheetTable;
  createdAt: number;
  state: Omit<ImportJobDto, 'id' | 'fileName'>;
}

/** Uploaded files are held this long between upload, mapping and the finished report. */
const JOB_TTL_MS = 30 * 60_000;
const SAMPLE_ROWS = 5;
/** Rows inserted between progress updates; also how often the loop yields to other requests. */
const CHUNK = 25;

/**
 * Contacts import as a small in-memory job: upload → preview with a guessed mapping → start → the
 * client polls progress → per-row report. Jobs live in this process only (the file is not stored):
 * behind several web nodes, route /api/imports with sticky sessions, or the poll may hit a node that
 * does not know the job (it answers 404 and the user uploads again).
 */
export class ImportsService {
  private readonly jobs = new Map<string, Job>();

  constructor(
    private readonly dataSource: DataSource,
    private readonly contacts: ContactsService,
    private readonly defaultCountry: string,
    private readonly logger?: Logger,
  ) {}

  async upload(viewer: UserDto, fileName: string, data: Buffer): Promise<ImportPreviewDto> {
    this.purge();
    const table = await readSheet(fileName, data);
    const job: Job = {
      id: randomUUID(),
      ownerId: viewer.id,
      fileName,
      table,
      createdAt: Date.now(),
      state: {
        status: 'uploaded',
        total: table.rows.length,
        processed: 0,
        imported: 0,
        invalid: 0,
        duplicates: 0,
        problems: [],
      },
    };
    this.jobs.set(job.id, job);
    return {
      id: job.id,
      fileName,
      format: table.format,
      columns: table.columns,
      sample: table.rows.slice(0, SAMPLE_ROWS),
      rowCount: table.rows.length,
      suggestedMapping: suggestMapping(table.columns),
    };
  }

  get(viewer: UserDto, id: string): ImportJobDto {
    const job = this.find(viewer, id);
    return { id: job.id, fileName: job.fileName, ...job.state, problems: [...job.state.problems] };
  }

  /** Validates every row now (so the counts are known at once), then inserts the good rows in the background. */
  async start(viewer: UserDto, id: string, input: ImportMapping): Promise<ImportJobDto> {
    const job = this.find(viewer, id);
    if (job.state.status !== 'uploaded') throw importsError('IMPORT_ALREADY_STARTED');
    const mapping = importMappingSchema.parse(input);
    const width = job.table.columns.length;
    for (const index of Object.values(mapping)) {
      if (index !== null && index >= width) throw importsError('IMPORT_BAD_MAPPING');
    }
    job.state.status = 'running';
    let rows: CheckedRow[];
    try {
      // Line 1 is the header, so the first data row is line 2 — as the user sees it in Excel.
      const checked = job.table.rows.map((row, i) => checkRow(row, i + 2, mapping, this.defaultCountry));
      rows = markDuplicates(checked, await this.existingPhones(checked));
    } catch (err) {
      job.state.status = 'failed';
      throw err;
    }
    for (const row of rows) {
      if (row.issues.length === 0) continue;
      const duplicate = row.issues.some(isDuplicateIssue);
      if (duplicate) job.state.duplicates += 1;
      else job.state.invalid += 1;
      job.state.processed += 1;
      job.state.problems.push(report(row, duplicate ? 'duplicate' : 'invalid'));
    }
    void this.insertAll(
      viewer,
      job,
      rows.filter((r) => r.issues.length === 0),
    );
    return this.get(viewer, id);
  }

  private async insertAll(viewer: UserDto, job: Job, good: CheckedRow[]): Promise<void> {
    try {
      for (let i = 0; i < good.length; i += 1) {
        const row = good[i]!;
        try {
          await this.contacts.create(viewer, {
            name: row.name,
            email: row.email,
            tags: row.tags,
            phones: row.phones.map((p) => ({ raw: p.raw, label: null })),
          });
          job.state.imported += 1;
        } catch (err) {
          // A row the service still rejects (e.g. an email zod finds invalid) is reported, not fatal.
          this.logger?.warn({ err, line: row.line }, 'import row rejected');
          job.state.problems.push(report(row, 'failed'));
          job.state.problems.sort((a, b) => a.line - b.line);
        }
        job.state.processed += 1;
        if (i % CHUNK === CHUNK - 1) await new Promise((resolve) => setImmediate(resolve));
      }
      job.state.status = 'done';
    } catch (err) {
      this.logger?.error({ err, importId: job.id }, 'import failed');
      job.state.status = 'failed';
    }
  }

  /** Numbers already on any contact — across all owners, since a duplicate is a duplicate whoever owns it. */
  private async existingPhones(rows: CheckedRow[]): Promise<ExistingPhones> {
    const keys = lookupKeys(rows);
    const found = await this.dataSource.query<{ e164: string | null; last10: string | null }[]>(
      `SELECT e164, last10 FROM contact_phones WHERE e164 = ANY($1::text[]) OR last10 = ANY($2::text[])`,
      [keys.e164, keys.last10],
    );
    return {
      e164: new Set(found.flatMap((r) => (r.e164 ? [r.e164] : []))),
      last10: new Set(found.flatMap((r) => (r.last10 ? [r.last10] : []))),
    };
  }

  private find(viewer: UserDto, id: string): Job {
    this.purge();
    const job = this.jobs.get(id);
    // Someone else's import answers 404 like a missing one, so ids cannot be probed.
    if (!job || job.ownerId !== viewer.id) throw importsError('IMPORT_NOT_FOUND');
    return job;
  }

  private purge(): void {
    const cutoff = Date.now() - JOB_TTL_MS;
    for (const [id, job] of this.jobs) {
      if (job.createdAt < cutoff && job.state.status !== 'running') this.jobs.delete(id);
    }
  }
}

function report(row: CheckedRow, status: ImportRowReport['status']): ImportRowReport {
  const out: ImportRowReport = { line: row.line, name: row.name, phone: row.phoneText, status, issues: row.issues };
  if (row.duplicateOfLine !== undefined) out.duplicateOfLine = row.duplicateOfLine;
  return out;
}
