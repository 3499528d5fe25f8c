import { AppError } from '@server/common/errors/app-error';

export type ProductsErrorCode = 'PRODUCT_NOT_FOUND' | 'PRODUCT_SKU_TAKEN' | 'PRODUCT_IN_USE' | 'PRODUCT_IMPORT_COLUMNS';

function describe(code: ProductsErrorCode): { status: number; message: string } {
  switch (code) {
    case 'PRODUCT_NOT_FOUND':
      return { status: 404, message: 'Product not found' };
    case 'PRODUCT_SKU_TAKEN':
      return { status: 409, message: 'Another product has this SKU' };
    case 'PRODUCT_IN_USE':
      return { status: 409, message: 'The product is on deals; deactivate it instead of deleting it' };
    case 'PRODUCT_IMPORT_COLUMNS':
      return { status: 400, message: 'The file needs name, sku and price columns (see details.missing)' };
  }
}

/** `details` names the field at fault (and the SKU that is taken), so the form can mark it. */
export const productsError = (code: ProductsErrorCode, details?: Record<string, unknown>) => {
  const { status, message } = describe(code);
  return new AppError(code, status, message, { details });
};
