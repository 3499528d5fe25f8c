import { AppError } from '@server/common/errors/app-error';

export type NotesErrorCode = 'NOTE_NOT_FOUND' | 'LINKED_ENTITY_NOT_FOUND';

function message(code: NotesErrorCode): string {
  switch (code) {
    case 'NOTE_NOT_FOUND':
      return 'Note not found';
    case 'LINKED_ENTITY_NOT_FOUND':
      return 'The record the note belongs to was not found';
  }
}

export const notesError = (code: NotesErrorCode) => new AppError(code, 404, message(code));
