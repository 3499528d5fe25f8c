import express, { Router } from 'express';

import {
  buildListRequestSchema,
  campaignActionSchema,
  campaignDispositionRequestSchema,
  campaignRecordsQuerySchema,
  campaignStatsQuerySchema,
  createCampaignRequestSchema,
  updateCampaignRequestSchema,
} from '@contracts/dto/campaign';
import { idParamsSchema } from '@contracts/dto/common';
import { IMPORT_MAX_BYTES, uploadImportQuerySchema } from '@contracts/dto/import';
import { parseInput } from '@server/common/http/validate';
import { currentUser, requireRole } from '@server/common/auth/auth-guards';
import { toCsv } from '@server/common/export/table-export';
import { campaignStatsTable } from '@server/modules/campaigns/campaign-stats.table';
import { type CampaignsService } from '@server/modules/campaigns/campaigns.service';

const STAFF = ['admin', 'manager', 'supervisor'] as const;
/** The file is the raw request body, as for the contacts import. */
const rawFile = express.raw({ type: () => true, limit: IMPORT_MAX_BYTES });

/**
 * `/api/campaigns`: supervisors, managers and admins set campaigns up, build their lists and run them; operators
 * list the campaigns they are on, take preview offers and set the disposition of their campaign calls.
 */
export function campaignsRouter(campaigns: CampaignsService): Router {
  const router = Router();
  const id = (params: unknown) => parseInput(idParamsSchema, params).id;

  router.post('/attempts/:id/dial', async (req, res) => {
    res.json(await campaigns.dialOffer(currentUser(res), id(req.params)));
  });
  router.post('/attempts/:id/skip', async (req, res) => {
    await campaigns.skipOffer(currentUser(res), id(req.params));
    res.status(204).end();
  });
  router.post('/attempts/:id/disposition', async (req, res) => {
    const { disposition } = parseInput(campaignDispositionRequestSchema, req.body);
    res.json(await campaigns.dispose(currentUser(res), id(req.params), disposition));
  });

  router.get('/', async (_req, res) => {
    const viewer = currentUser(res);
    const all = await campaigns.list();
    res.json({ items: viewer.role === 'operator' ? all.filter((c) => c.operatorIds.includes(viewer.id)) : all });
  });
  router.post('/', requireRole(...STAFF), async (req, res) => {
    res.status(201).json(await campaigns.create(currentUser(res), parseInput(createCampaignRequestSchema, req.body)));
  });
  router.get('/:id', requireRole(...STAFF), async (req, res) => {
    res.json(await campaigns.get(id(req.params)));
  });
  router.patch('/:id', requireRole(...STAFF), async (req, res) => {
    const body = parseInput(updateCampaignRequestSchema, req.body);
    res.json(await campaigns.update(currentUser(res), id(req.params), body));
  });
  router.delete('/:id', requireRole(...STAFF), async (req, res) => {
    await campaigns.remove(currentUser(res), id(req.params));
    res.status(204).end();
  });
  router.post('/:id/actions', requireRole(...STAFF), async (req, res) => {
    const { action } = parseInput(campaignActionSchema, req.body);
    res.json(await campaigns.act(currentUser(res), id(req.params), action));
  });
  router.post('/:id/records/build', requireRole(...STAFF), async (req, res) => {
    const body = parseInput(buildListRequestSchema, req.body);
    res.json(await campaigns.buildList(currentUser(res), id(req.params), body));
  });
  router.post('/:id/records/import', requireRole(...STAFF), rawFile, async (req, res) => {
    const { fileName } = parseInput(uploadImportQuerySchema, req.query);
    const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    res.json(await campaigns.importList(currentUser(res), id(req.params), fileName, body));
  });
  router.get('/:id/records', requireRole(...STAFF), async (req, res) => {
    res.json(await campaigns.records(id(req.params), parseInput(campaignRecordsQuerySchema, req.query)));
  });
  router.get('/:id/progress', requireRole(...STAFF), async (req, res) => {
    res.json(await campaigns.progress(id(req.params)));
  });
  router.get('/:id/stats', requireRole(...STAFF), async (req, res) => {
    const q = parseInput(campaignStatsQuerySchema, req.query);
    const stats = await campaigns.stats(id(req.params));
    if (q.format === 'json') {
      res.json(stats);
      return;
    }
    // A file is read by a person: in the language the UI asked for, else the one in the user's profile.
    res.set('Content-Disposition', `attachment; filename="zvonok-campaign-${stats.campaignId}.csv"`);
    res.type('text/csv; charset=utf-8').send(toCsv(campaignStatsTable(stats, q.lang ?? currentUser(res).locale)));
  });
  router.post('/:id/preview/next', async (req, res) => {
    res.json(await campaigns.nextOffer(currentUser(res), id(req.params)));
  });
  return router;
}
