import { Router } from 'express';

import {
  analyticsQuerySchema,
  queueSettingParamsSchema,
  updateQueueSettingRequestSchema,
} from '@contracts/dto/analytics';
import { parseInput } from '@server/common/http/validate';
import { currentUser, requireRole } from '@server/common/auth/auth-guards';
import { respond } from '@server/modules/analytics/analytics.respond';
import { type AnalyticsService } from '@server/modules/analytics/analytics.service';
import { type PipelinesService } from '@server/modules/pipelines/pipelines.service';
import {
  campaignsTable,
  dailyTable,
  funnelTable,
  heatmapTable,
  leadSourcesTable,
  operatorsTable,
  queuesTable,
  summaryTable,
} from '@server/modules/analytics/analytics.tables';

/**
 * `GET /api/analytics/summary|operators|queues|heatmap|daily?from=&to=&tz=&slSeconds=&slTarget=&shortAbandonSeconds=`
 * and `GET /api/analytics/campaigns?from=&to=&tz=&conversionDays=` (outbound campaigns' results) for managers,
 * supervisors and admins; `format=csv|xlsx` downloads the same data as a table, its headers and texts in `lang`
 * (ru|en; default: the user's profile language).
 * `GET /api/analytics/queue-settings` (same roles) and `PUT /api/analytics/queue-settings/:queue {wrapUpSeconds}`
 * (admins): the per-queue wrap-up seconds AHT uses when no wrap-up form was sent.
 */
export function analyticsRouter(analytics: AnalyticsService, pipelines: PipelinesService): Router {
  const router = Router();
  router.use(requireRole('manager', 'supervisor', 'admin'));
  router.get('/summary', async (req, res) => {
    const q = parseInput(analyticsQuerySchema, req.query);
    const data = await analytics.summary(q, currentUser(res));
    await respond(res, q, data, (x) => summaryTable(data, x));
  });
  router.get('/operators', async (req, res) => {
    const q = parseInput(analyticsQuerySchema, req.query);
    const data = await analytics.operators(q, currentUser(res));
    await respond(res, q, data, (x) => operatorsTable(data.rows, x));
  });
  router.get('/queues', async (req, res) => {
    const q = parseInput(analyticsQuerySchema, req.query);
    const data = await analytics.queues(q, currentUser(res));
    await respond(res, q, data, (x) => queuesTable(data.rows, x));
  });
  router.get('/heatmap', async (req, res) => {
    const q = parseInput(analyticsQuerySchema, req.query);
    const data = await analytics.heatmap(q, currentUser(res));
    await respond(res, q, data, (x) => heatmapTable(data.rows, x));
  });
  router.get('/daily', async (req, res) => {
    const q = parseInput(analyticsQuerySchema, req.query);
    const data = await analytics.daily(q, currentUser(res));
    await respond(res, q, data, (x) => dailyTable(data.rows, x));
  });
  router.get('/lead-sources', async (req, res) => {
    const q = parseInput(analyticsQuerySchema, req.query);
    const data = await analytics.leadSources(q, currentUser(res));
    await respond(res, q, data, (x) => leadSourcesTable(data.rows, x));
  });
  router.get('/campaigns', async (req, res) => {
    const q = parseInput(analyticsQuerySchema, req.query);
    const data = await analytics.campaigns(q, currentUser(res));
    await respond(res, q, data, (x) => campaignsTable(data, x));
  });
  router.get('/funnel', async (req, res) => {
    const q = parseInput(analyticsQuerySchema, req.query);
    const pipelineId = q.pipelineId ?? (await pipelines.place(undefined, undefined)).pipelineId;
    await pipelines.get(pipelineId);
    const data = await analytics.funnel(q, pipelineId, currentUser(res));
    await respond(res, q, data, (x) => funnelTable(data.stages, x));
  });
  router.get('/queue-settings', async (_req, res) => {
    res.json(await analytics.queueSettings());
  });
  router.put('/queue-settings/:queue', requireRole('admin'), async (req, res) => {
    const { queue } = parseInput(queueSettingParamsSchema, req.params);
    const { wrapUpSeconds } = parseInput(updateQueueSettingRequestSchema, req.body);
    res.json(await analytics.setQueueWrapUp(currentUser(res), queue, wrapUpSeconds));
  });
  return router;
}
