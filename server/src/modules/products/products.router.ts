import express, { Router } from 'express';

import { IMPORT_MAX_BYTES } from '@contracts/dto/import';
import {
  createProductRequestSchema,
  productImportQuerySchema,
  productListQuerySchema,
  updateProductRequestSchema,
} from '@contracts/dto/product';
import { crudRoutes } from '@server/common/http/crud-routes';
import { parseInput } from '@server/common/http/validate';
import { currentUser, requireRole } from '@server/common/auth/auth-guards';
import { type ProductsService } from '@server/modules/products/products.service';

/** Admins and managers keep the catalogue; everyone reads it (operators put products on deals). */
const editors = requireRole('admin', 'manager');

export function productsRouter(products: ProductsService): Router {
  const router = Router();
  // Before `/:id`, so `export` is never read as a product id.
  router.get('/export', async (_req, res) => {
    const file = await products.exportCsv(currentUser(res));
    res.set('Content-Type', 'text/csv; charset=utf-8');
    res.set('Content-Disposition', `attachment; filename="${file.fileName}"`);
    res.send(file.body);
  });
  // The file is the raw body, as for a contacts import (one file, size capped before it is buffered).
  router.post('/import', editors, express.raw({ type: () => true, limit: IMPORT_MAX_BYTES }), async (req, res) => {
    const { fileName } = parseInput(productImportQuerySchema, req.query);
    const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    res.json(await products.import(currentUser(res), fileName, body));
  });
  return crudRoutes(router, products, {
    schemas: { list: productListQuerySchema, create: createProductRequestSchema, update: updateProductRequestSchema },
    viewer: currentUser,
    write: editors,
  });
}
