import { Router } from 'express';

import { idParamsSchema } from '@contracts/dto/common';
import {
  blockedNumberListQuerySchema,
  createBlockedNumberRequestSchema,
  dialCheckRequestSchema,
  dialPolicyQuerySchema,
  updateBlockedNumberRequestSchema,
} from '@contracts/dto/dial-policy';
import { parseInput } from '@server/common/http/validate';
import { currentUser, requireRole } from '@server/common/auth/auth-guards';
import { assertRoutingToken } from '@server/common/http/routing-token';

import { type DialPolicyService } from './dial-policy.service';

/**
 * `/api/blocked-numbers`: the list staff may read and admins edit (each change audited). A blocked number is refused
 * by the PBX both ways: as a caller (rejected, the call recorded as `blocked`, no lead) and as a destination.
 */
export function blockedNumbersRouter(policy: DialPolicyService): Router {
  const router = Router();
  router.get('/', requireRole('admin', 'manager', 'supervisor'), async (req, res) => {
    res.json(await policy.list(parseInput(blockedNumberListQuerySchema, req.query)));
  });
  router.post('/', requireRole('admin'), async (req, res) => {
    const body = parseInput(createBlockedNumberRequestSchema, req.body);
    res.status(201).json(await policy.create(currentUser(res), body));
  });
  router.patch('/:id', requireRole('admin'), async (req, res) => {
    const { id } = parseInput(idParamsSchema, req.params);
    res.json(await policy.update(currentUser(res), id, parseInput(updateBlockedNumberRequestSchema, req.body)));
  });
  router.delete('/:id', requireRole('admin'), async (req, res) => {
    await policy.remove(currentUser(res), parseInput(idParamsSchema, req.params).id);
    res.status(204).end();
  });
  return router;
}

/**
 * `POST /api/calls/dial-check {destination, override?}`: what the softphone asks before it dials an outside number
 * itself (JsSIP goes straight to the PBX). 200 `{destination, overridden}` or 409 DO_NOT_CALL.
 */
export function dialCheckRouter(policy: DialPolicyService): Router {
  const router = Router();
  router.post('/dial-check', async (req, res) => {
    const body = parseInput(dialCheckRequestSchema, req.body);
    res.json(await policy.check(currentUser(res), body.destination, body.override, 'softphone'));
  });
  return router;
}

/**
 * `GET /api/routing/dial-policy?direction=inbound|outbound&phone=&ext=` for the dialplan (func_curl, ROUTING_TOKEN
 * like the owner lookup): `allow` or `block` as plain text. The dialplan refuses the call on `block` and lets it
 * through on anything else, an unreachable CRM included (fail open, with a log line on the PBX).
 */
export function dialPolicyPbxRouter(policy: DialPolicyService, token: string | undefined): Router {
  const router = Router();
  router.get('/dial-policy', async (req, res) => {
    // The token first: without it, nothing about the request is answered (not even what is wrong with it).
    assertRoutingToken(req, token, typeof req.query.token === 'string' ? req.query.token : undefined);
    const query = parseInput(dialPolicyQuerySchema, req.query);
    res.type('text/plain').send(await policy.pbxVerdict(query));
  });
  return router;
}
