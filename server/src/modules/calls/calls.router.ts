import { Router } from 'express';

import {
  callListQuerySchema,
  chooseCallContactRequestSchema,
  originateRequestSchema,
  wrapUpRequestSchema,
} from '@contracts/dto/call';
import { idParamsSchema } from '@contracts/dto/common';
import { parseInput } from '@server/common/http/validate';
import { currentUser } from '@server/common/auth/auth-guards';

import { type CallContactService } from './call-contact.service';
import { type CallsService } from './calls.service';

export function callsRouter(calls: CallsService, callContact: CallContactService): Router {
  const router = Router();
  router.get('/', async (req, res) => {
    res.json(await calls.list(currentUser(res), parseInput(callListQuerySchema, req.query)));
  });
  // Before '/:id' routes; a POST never matches GET /:id anyway, but keep the literal path visibly first.
  router.post('/originate', async (req, res) => {
    res.json(await calls.originate(currentUser(res), parseInput(originateRequestSchema, req.body)));
  });
  router.get('/:id', async (req, res) => {
    res.json(await calls.get(currentUser(res), parseInput(idParamsSchema, req.params).id));
  });
  router.patch('/:id/wrap-up', async (req, res) => {
    const { id } = parseInput(idParamsSchema, req.params);
    res.json(await calls.wrapUp(currentUser(res), id, parseInput(wrapUpRequestSchema, req.body)));
  });
  router.get('/:id/card', async (req, res) => {
    res.json(await callContact.card(currentUser(res), parseInput(idParamsSchema, req.params).id));
  });
  router.put('/:id/contact', async (req, res) => {
    const { id } = parseInput(idParamsSchema, req.params);
    res.json(await callContact.choose(currentUser(res), id, parseInput(chooseCallContactRequestSchema, req.body)));
  });
  return router;
}
