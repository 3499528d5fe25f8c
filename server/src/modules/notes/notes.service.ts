import { type DataSource, type Repository } from 'typeorm';
import { contactColumnRefs, type ContactRefsOwner } from '@server/common/db/contact-refs';

import { type EntityLink, type Page } from '@contracts/dto/common';
import {
  type CreateNoteRequest,
  type NoteDto,
  createNoteRequestSchema,
  noteListQuerySchema,
} from '@contracts/dto/note';
import { type UserDto } from '@contracts/dto/user';
import { canSeeLinked } from '@server/common/access/linked-entity';
import { assignsOthers } from '@server/common/access/visibility';
import { NoteEntity, type NoteRow } from '@server/modules/notes/note.entity';
import { notesError } from '@server/modules/notes/notes.errors';

/** Notes are visible exactly when the record they belong to is visible. */
export class NotesService {
  /** A contact merge moves this module's notes rows between contacts (and back on undo), in its transaction. */
  readonly contactRefs: ContactRefsOwner = contactColumnRefs({
    table: 'notes',
    column: 'entity_id',
    where: "entity_type = 'contact'",
  });
  private readonly repo: Repository<NoteRow>;

  constructor(private readonly dataSource: DataSource) {
    this.repo = dataSource.getRepository(NoteEntity);
  }

  async list(viewer: UserDto, query: (typeof noteListQuerySchema)['_zod']['input']): Promise<Page<NoteDto>> {
    const q = noteListQuerySchema.parse(query);
    await this.assertLinkVisible(viewer, q);
    const [rows, total] = await this.repo.findAndCount({
      where: { entityType: q.entityType, entityId: q.entityId },
      order: { createdAt: 'DESC', id: 'ASC' },
      skip: q.offset,
      take: q.limit,
    });
    return { items: rows.map(toNoteDto), total, limit: q.limit, offset: q.offset };
  }

  async create(viewer: UserDto, input: CreateNoteRequest): Promise<NoteDto> {
    const req = createNoteRequestSchema.parse(input);
    await this.assertLinkVisible(viewer, req);
    const row = await this.repo.save(
      this.repo.create({ body: req.body, authorId: viewer.id, entityType: req.entityType, entityId: req.entityId }),
    );
    return toNoteDto(row);
  }

  /** A note written by Zvonok itself (no author), e.g. what a website form said; for system work only. */
  async addSystemNote(link: EntityLink, body: string): Promise<NoteDto> {
    const row = await this.repo.save(
      this.repo.create({
        body: body.slice(0, 10_000),
        authorId: null,
        entityType: link.entityType,
        entityId: link.entityId,
      }),
    );
    return toNoteDto(row);
  }

  /** Authors delete their own notes; supervisors and above any note they can see. */
  async remove(viewer: UserDto, id: string): Promise<void> {
    const row = await this.repo.findOneBy({ id });
    if (!row || !(await canSeeLinked(this.dataSource, viewer, row))) throw notesError('NOTE_NOT_FOUND');
    if (!assignsOthers(viewer) && row.authorId !== viewer.id) throw notesError('NOTE_NOT_FOUND');
    await this.repo.delete({ id });
  }

  private async assertLinkVisible(viewer: UserDto, link: EntityLink): Promise<void> {
    if (!(await canSeeLinked(this.dataSource, viewer, link))) throw notesError('LINKED_ENTITY_NOT_FOUND');
  }
}

export const toNoteDto = (r: NoteRow): NoteDto => ({
  id: r.id,
  body: r.body,
  authorId: r.authorId,
  entityType: r.entityType,
  entityId: r.entityId,
  createdAt: r.createdAt.toISOString(),
});
