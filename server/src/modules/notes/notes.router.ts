import { Router } from 'express';

import { idParamsSchema } from '@contracts/dto/common';
import { createNoteRequestSchema, noteListQuerySchema } from '@contracts/dto/note';
import { parseInput } from '@server/common/http/validate';
import { currentUser } from '@server/common/auth/auth-guards';
import { type NotesService } from '@server/modules/notes/notes.service';

export function notesRouter(notes: NotesService): Router {
  const router = Router();
  router.get('/', async (req, res) => {
    res.json(await notes.list(currentUser(res), parseInput(noteListQuerySchema, req.query)));
  });
  router.post('/', async (req, res) => {
    res.status(201).json(await notes.create(currentUser(res), parseInput(createNoteRequestSchema, req.body)));
  });
  router.delete('/:id', async (req, res) => {
    await notes.remove(currentUser(res), parseInput(idParamsSchema, req.params).id);
    res.status(204).end();
  });
  return router;
}
