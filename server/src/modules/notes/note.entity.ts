import { EntitySchema } from 'typeorm';

import { type LinkableEntity } from '@server/modules/tasks/tasks.types';

export interface NoteRow {
  id: string;
  body: string;
  authorId: string | null;
  entityType: LinkableEntity;
  entityId: string;
  createdAt: Date;
}

export const NoteEntity = new EntitySchema<NoteRow>({
  name: 'Note',
  tableName: 'notes',
  columns: {
    id: { type: 'uuid', primary: true, generated: 'uuid' },
    body: { type: 'text' },
    authorId: { type: 'uuid', name: 'author_id', nullable: true },
    entityType: { type: 'text', name: 'entity_type' },
    entityId: { type: 'uuid', name: 'entity_id' },
    createdAt: { type: 'timestamptz', name: 'created_at', createDate: true },
  },
});
