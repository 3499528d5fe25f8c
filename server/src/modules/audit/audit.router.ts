import { once } from 'node:events';

import { Router } from 'express';

import { auditExportQuerySchema, auditListQuerySchema } from '@contracts/dto/audit';
import { parseInput } from '@server/common/http/validate';
import { requireRole } from '@server/common/auth/auth-guards';
import { type AuditViewerService } from '@server/modules/audit/audit-viewer.service';

/**
 * `GET /api/audit`, `GET /api/audit/actions`, `GET /api/audit/export` for admins and managers. Read-only on purpose:
 * the trail is append-only, so no route changes or deletes it.
 */
export function auditRouter(audit: AuditViewerService): Router {
  const router = Router();
  router.use(requireRole('admin', 'manager'));
  router.get('/', async (req, res) => {
    res.json(await audit.list(parseInput(auditListQuerySchema, req.query)));
  });
  router.get('/actions', async (_req, res) => {
    res.json({ items: await audit.actions() });
  });
  router.get('/export', async (req, res) => {
    const q = parseInput(auditExportQuerySchema, req.query);
    res.set('Content-Disposition', `attachment; filename="zvonok-audit-${new Date().toISOString().slice(0, 10)}.csv"`);
    res.type('text/csv; charset=utf-8');
    await audit.exportCsv(q, {
      write: (chunk) => res.write(chunk),
      drained: async () => {
        await once(res, 'drain');
      },
    });
    res.end();
  });
  return router;
}
