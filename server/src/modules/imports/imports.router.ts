import express, { Router } from 'express';

import { idParamsSchema } from '@contracts/dto/common';
import {
  IMPORT_MAX_BYTES,
  exportContactsQuerySchema,
  startImportRequestSchema,
  uploadImportQuerySchema,
} from '@contracts/dto/import';
import { parseInput } from '@server/common/http/validate';
import { currentUser } from '@server/common/auth/auth-guards';
import { type ContactsExporter } from '@server/modules/imports/contacts-export';
import { type ImportsService } from '@server/modules/imports/imports.service';

/**
 * The file is the raw request body (not multipart): one file per request, its size capped by the body
 * parser before anything is buffered past the limit, and the browser can report upload progress.
 */
const rawFile = express.raw({ type: () => true, limit: IMPORT_MAX_BYTES });

export function importsRouter(imports: ImportsService): Router {
  const router = Router();
  router.post('/', rawFile, async (req, res) => {
    const { fileName } = parseInput(uploadImportQuerySchema, req.query);
    const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    res.status(201).json(await imports.upload(currentUser(res), fileName, body));
  });
  router.get('/:id', async (req, res) => {
    res.json(await imports.get(currentUser(res), parseInput(idParamsSchema, req.params).id));
  });
  router.post('/:id/start', async (req, res) => {
    const { id } = parseInput(idParamsSchema, req.params);
    const { mapping } = parseInput(startImportRequestSchema, req.body);
    res.status(202).json(await imports.start(currentUser(res), id, mapping));
  });
  return router;
}

export function contactsExportRouter(exporter: ContactsExporter): Router {
  const router = Router();
  router.get('/', async (req, res) => {
    const file = await exporter.export(currentUser(res), parseInput(exportContactsQuerySchema, req.query));
    res.set('Content-Type', file.contentType);
    res.set('Content-Disposition', `attachment; filename="${file.fileName}"`);
    res.send(file.body);
  });
  return router;
}
