import { Router } from 'express';

import { idParamsSchema, reassignRequestSchema } from '@contracts/dto/common';
import { contactListQuerySchema, createContactRequestSchema, updateContactRequestSchema } from '@contracts/dto/contact';
import { parseInput } from '@server/common/http/validate';
import { currentUser, requireRole } from '@server/common/auth/auth-guards';
import { type ContactsService } from '@server/modules/contacts/contacts.service';

export function contactsRouter(contacts: ContactsService): Router {
  const router = Router();
  router.get('/', async (req, res) => {
    res.json(await contacts.list(currentUser(res), parseInput(contactListQuerySchema, req.query)));
  });
  router.get('/:id', async (req, res) => {
    res.json(await contacts.get(currentUser(res), parseInput(idParamsSchema, req.params).id));
  });
  router.post('/', async (req, res) => {
    res.status(201).json(await contacts.create(currentUser(res), parseInput(createContactRequestSchema, req.body)));
  });
  router.patch('/:id', async (req, res) => {
    const { id } = parseInput(idParamsSchema, req.params);
    res.json(await contacts.update(currentUser(res), id, parseInput(updateContactRequestSchema, req.body)));
  });
  router.delete('/:id', async (req, res) => {
    await contacts.remove(currentUser(res), parseInput(idParamsSchema, req.params).id);
    res.status(204).end();
  });
  // Supervisors, managers and admins; audited, and the new owner is told.
  router.post('/:id/reassign', requireRole('admin', 'manager', 'supervisor'), async (req, res) => {
    const { id } = parseInput(idParamsSchema, req.params);
    res.json(await contacts.reassign(currentUser(res), id, parseInput(reassignRequestSchema, req.body).userId));
  });
  return router;
}
