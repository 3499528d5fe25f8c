import { idParamsSchema } from '@contracts/dto/common';
import {
  addDealItemRequestSchema,
  dealItemParamsSchema,
  dealItemsSchema,
  updateDealItemRequestSchema,
} from '@contracts/dto/deal';
import {
  createProductRequestSchema,
  productImportQuerySchema,
  productImportResultSchema,
  productListQuerySchema,
  productSchema,
  updateProductRequestSchema,
} from '@contracts/dto/product';

import { type ApiRouteSpec, crud } from './api-routes';

const EDITORS = ['admin', 'manager'] as const;
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const items = (description = 'The items and the deal’s amount') => ({ description, json: dealItemsSchema });

/**
 * The product catalogue (everyone reads it; admins and managers change it) and deals' line items. A token reaches
 * them with the deals scopes: products exist to be sold on deals.
 */
export const PRODUCT_ROUTES: readonly ApiRouteSpec[] = [
  ...crud(
    'Products',
    '/api/products',
    'deals',
    {
      item: productSchema,
      list: productListQuerySchema,
      create: createProductRequestSchema,
      update: updateProductRequestSchema,
    },
    EDITORS,
  ),
  {
    method: 'GET',
    path: '/api/products/export',
    tag: 'Products',
    summary: 'The whole catalogue as CSV, in the columns the import reads',
    access: 'signed-in',
    scope: 'deals:read',
    responses: { 200: { description: 'The file', files: ['text/csv'] } },
  },
  {
    method: 'POST',
    path: '/api/products/import',
    tag: 'Products',
    summary: 'Upload a CSV or XLSX price list: a new SKU is added, a known one updated, bad rows reported by line',
    access: EDITORS,
    scope: 'deals:write',
    query: productImportQuerySchema,
    upload: ['text/csv', XLSX, 'application/octet-stream'],
    responses: { 200: { description: 'What was imported', json: productImportResultSchema } },
  },
  {
    method: 'GET',
    path: '/api/deals/:id/items',
    tag: 'Deals',
    summary: "The deal's line items and its amount (their sum while it has any)",
    access: 'signed-in',
    scope: 'deals:read',
    params: idParamsSchema,
    responses: { 200: items('OK') },
  },
  {
    method: 'POST',
    path: '/api/deals/:id/items',
    tag: 'Deals',
    summary: "Add an active product at its current price; the deal's amount becomes the items' sum",
    access: 'signed-in',
    scope: 'deals:write',
    params: idParamsSchema,
    body: addDealItemRequestSchema,
    responses: { 201: items('Added') },
  },
  {
    method: 'PATCH',
    path: '/api/deals/:id/items/:itemId',
    tag: 'Deals',
    summary: "Change an item's quantity",
    access: 'signed-in',
    scope: 'deals:write',
    params: dealItemParamsSchema,
    body: updateDealItemRequestSchema,
    responses: { 200: items() },
  },
  {
    method: 'DELETE',
    path: '/api/deals/:id/items/:itemId',
    tag: 'Deals',
    summary: 'Remove an item (a deal left without items keeps the last sum, editable by hand again)',
    access: 'signed-in',
    scope: 'deals:write',
    params: dealItemParamsSchema,
    responses: { 200: items() },
  },
];
