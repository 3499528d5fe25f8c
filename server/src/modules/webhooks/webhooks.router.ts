import { Router } from 'express';

import { idParamsSchema } from '@contracts/dto/common';
import {
  createWebhookRequestSchema,
  updateWebhookRequestSchema,
  webhookDeliveryListQuerySchema,
} from '@contracts/dto/webhook';
import { parseInput } from '@server/common/http/validate';
import { currentUser, requireRole } from '@server/common/auth/auth-guards';

import { type WebhooksService } from './webhooks.service';

/** Webhook endpoints are an admin's business (they send CRM data out of the company). */
export function webhooksRouter(webhooks: WebhooksService): Router {
  const router = Router();
  router.use(requireRole('admin'));
  router.get('/', async (_req, res) => {
    res.json({ items: await webhooks.list() });
  });
  router.post('/', async (req, res) => {
    res.status(201).json(await webhooks.create(currentUser(res), parseInput(createWebhookRequestSchema, req.body)));
  });
  router.post('/deliveries/:id/redeliver', async (req, res) => {
    const { id } = parseInput(idParamsSchema, req.params);
    res.status(202).json(await webhooks.redeliver(currentUser(res), id));
  });
  router.get('/:id', async (req, res) => {
    res.json(await webhooks.get(parseInput(idParamsSchema, req.params).id));
  });
  router.patch('/:id', async (req, res) => {
    const { id } = parseInput(idParamsSchema, req.params);
    res.json(await webhooks.update(currentUser(res), id, parseInput(updateWebhookRequestSchema, req.body)));
  });
  router.delete('/:id', async (req, res) => {
    await webhooks.remove(currentUser(res), parseInput(idParamsSchema, req.params).id);
    res.status(204).end();
  });
  router.post('/:id/rotate-secret', async (req, res) => {
    res.json(await webhooks.rotateSecret(currentUser(res), parseInput(idParamsSchema, req.params).id));
  });
  router.get('/:id/deliveries', async (req, res) => {
    const { id } = parseInput(idParamsSchema, req.params);
    res.json(await webhooks.deliveries(id, parseInput(webhookDeliveryListQuerySchema, req.query)));
  });
  return router;
}
