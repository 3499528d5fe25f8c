import { type DataSource } from 'typeorm';

import { type Page } from '@contracts/dto/common';
import {
  type CreateProductRequest,
  type ProductDto,
  type ProductImportResultDto,
  type UpdateProductRequest,
  createProductRequestSchema,
  PRODUCT_COLUMNS,
  productListQuerySchema,
  updateProductRequestSchema,
} from '@contracts/dto/product';
import { type UserDto } from '@contracts/dto/user';
import { PG_FOREIGN_KEY_VIOLATION, PG_UNIQUE_VIOLATION, pgErrorCode } from '@server/common/errors/app-error';
import { toCsv } from '@server/common/export/table-export';
import { type AuditService } from '@server/modules/audit/audit.service';
import { type ImportsService } from '@server/modules/imports/imports.service';
import { productColumns, readProductRows } from '@server/modules/products/product-rows';
import { productsError } from '@server/modules/products/products.errors';
import { type ProductRow, ProductsRepository } from '@server/modules/products/products.repository';

/** The export stops here; a catalogue is far smaller (the import reads 10,000 rows at most). */
const EXPORT_MAX_ROWS = 50_000;

/**
 * The product catalogue. Everyone signed in reads it (operators put products on their deals); the router lets only
 * admins and managers change it. Deals read products through `byIds` and never write them.
 */
export class ProductsService {
  private readonly repo: ProductsRepository;

  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly sheets: Pick<ImportsService, 'readTable'>,
  ) {
    this.repo = new ProductsRepository(dataSource);
  }

  async list(_viewer: UserDto, query: (typeof productListQuerySchema)['_zod']['input']): Promise<Page<ProductDto>> {
    const q = productListQuerySchema.parse(query);
    const [rows, total] = await this.repo.search({ ...q, active: q.active ? q.active === 'true' : undefined });
    return { items: rows.map(toProductDto), total, limit: q.limit, offset: q.offset };
  }

  async get(_viewer: UserDto, id: string): Promise<ProductDto> {
    const [row] = await this.repo.byIds([id]);
    if (!row) throw productsError('PRODUCT_NOT_FOUND');
    return toProductDto(row);
  }

  /** For deals' line items: the products by id (missing ones are absent from the map). */
  async byIds(ids: readonly string[]): Promise<Map<string, ProductDto>> {
    return new Map((await this.repo.byIds([...new Set(ids)])).map((r) => [r.id, toProductDto(r)]));
  }

  async create(_viewer: UserDto, input: CreateProductRequest): Promise<ProductDto> {
    const req = createProductRequestSchema.parse(input);
    return toProductDto(await skuSafe(req.sku, () => this.repo.insert(req)));
  }

  async update(viewer: UserDto, id: string, input: UpdateProductRequest): Promise<ProductDto> {
    const req = updateProductRequestSchema.parse(input);
    await this.get(viewer, id);
    await skuSafe(req.sku, () => this.repo.update(id, req));
    return this.get(viewer, id);
  }

  async remove(viewer: UserDto, id: string): Promise<void> {
    const before = await this.get(viewer, id);
    try {
      await this.repo.remove(id);
    } catch (err) {
      if (pgErrorCode(err) === PG_FOREIGN_KEY_VIOLATION) throw productsError('PRODUCT_IN_USE');
      throw err;
    }
    await this.audit.record({
      actorId: viewer.id,
      action: 'product.delete',
      entity: 'product',
      entityId: id,
      details: { before },
    });
  }

  /** The whole catalogue as CSV, in the columns the import reads back. */
  async exportCsv(viewer: UserDto): Promise<{ fileName: string; body: string }> {
    const items: ProductDto[] = [];
    for (let offset = 0; offset < EXPORT_MAX_ROWS; offset += 100) {
      const page = await this.list(viewer, { limit: 100, offset, sort: 'sku' });
      items.push(...page.items);
      if (items.length >= page.total) break;
    }
    const value: Record<(typeof PRODUCT_COLUMNS)[number], (p: ProductDto) => string> = {
      name: (p) => p.name,
      sku: (p) => p.sku,
      price: (p) => p.price,
      currency: (p) => p.currency,
      active: (p) => (p.active ? 'yes' : 'no'),
    };
    const body = toCsv({
      name: 'products',
      columns: PRODUCT_COLUMNS.map((header) => ({ header, value: value[header] })),
      rows: items,
    });
    return { fileName: `products-${new Date().toISOString().slice(0, 10)}.csv`, body };
  }

  /**
   * A CSV or XLSX price list, read by the imports module under its caps. Rows are matched by SKU (any case): a new
   * one is created, a known one updated, all in one transaction; bad rows are reported by line and skipped.
   */
  async import(viewer: UserDto, fileName: string, data: Buffer): Promise<ProductImportResultDto> {
    const table = await this.sheets.readTable(fileName, data);
    const columns = productColumns(table.columns);
    const missing = (['name', 'sku', 'price'] as const).filter((c) => columns[c] === undefined);
    if (missing.length > 0) throw productsError('PRODUCT_IMPORT_COLUMNS', { missing, columns: table.columns });
    const sheet = readProductRows(columns, table.rows);
    const result: ProductImportResultDto = { created: 0, updated: 0, problems: sheet.problems };
    await skuSafe(undefined, () =>
      this.dataSource.transaction(async (m) => {
        const repo = new ProductsRepository(m);
        const known = new Map(
          (await repo.bySkus(sheet.rows.map((r) => r.product.sku))).map((p) => [p.sku.toLowerCase(), p.id]),
        );
        for (const { product } of sheet.rows) {
          const id = known.get(product.sku.toLowerCase());
          if (id) {
            await repo.update(id, product);
            result.updated += 1;
          } else {
            await repo.insert(product);
            result.created += 1;
          }
        }
      }),
    );
    await this.audit.record({
      actorId: viewer.id,
      action: 'product.import',
      entity: 'product',
      details: { fileName, created: result.created, updated: result.updated, problems: result.problems.length },
    });
    return result;
  }
}

/** The unique index on lower(sku) is the guard (two people saving at once); its violation is a clear 409. */
async function skuSafe<T>(sku: string | undefined, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (pgErrorCode(err) === PG_UNIQUE_VIOLATION) throw productsError('PRODUCT_SKU_TAKEN', { field: 'sku', sku });
    throw err;
  }
}

export const toProductDto = (r: ProductRow): ProductDto => ({
  id: r.id,
  name: r.name,
  sku: r.sku,
  price: r.price,
  currency: r.currency,
  active: r.active,
  createdAt: r.created_at.toISOString(),
  updatedAt: r.updated_at.toISOString(),
});
