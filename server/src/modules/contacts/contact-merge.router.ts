import { Router } from 'express';

import { idParamsSchema } from '@contracts/dto/common';
import {
  contactDuplicatesQuerySchema,
  mergeContactsRequestSchema,
  mergeIdParamsSchema,
} from '@contracts/dto/contact-merge';
import { parseInput } from '@server/common/http/validate';
import { currentUser, requireRole } from '@server/common/auth/auth-guards';

import { type ContactMerge } from './contact-merge.service';
import { type ContactsService } from './contacts.service';

const STAFF = ['admin', 'manager', 'supervisor'] as const;

/** Duplicates and merging (mounted before the contacts router, so `duplicates` and `merges` are never an id). */
export function contactMergeRouter(contacts: ContactsService, merge: ContactMerge): Router {
  const router = Router();
  router.get('/duplicates', async (req, res) => {
    res.json(await contacts.duplicates(currentUser(res), parseInput(contactDuplicatesQuerySchema, req.query)));
  });
  router.post('/merges/:mergeId/undo', requireRole(...STAFF), async (req, res) => {
    res.json(await merge.undo(currentUser(res), parseInput(mergeIdParamsSchema, req.params).mergeId));
  });
  router.post('/:id/merge', requireRole(...STAFF), async (req, res) => {
    const { id } = parseInput(idParamsSchema, req.params);
    res.json(await merge.merge(currentUser(res), id, parseInput(mergeContactsRequestSchema, req.body).sourceId));
  });
  return router;
}
