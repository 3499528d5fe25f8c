import { AppError } from '@server/common/errors/app-error';

export type DealsErrorCode =
  | 'DEAL_NOT_FOUND'
  | 'LINKED_ENTITY_NOT_FOUND'
  | 'DEAL_ITEM_NOT_FOUND'
  | 'DEAL_AMOUNT_FROM_ITEMS'
  | 'DEAL_ITEM_CURRENCY'
  | 'PRODUCT_INACTIVE';

function describe(code: DealsErrorCode): { status: number; message: string } {
  switch (code) {
    case 'DEAL_NOT_FOUND':
      return { status: 404, message: 'Deal not found' };
    case 'LINKED_ENTITY_NOT_FOUND':
      return { status: 400, message: 'The contact, company, product or owner does not exist' };
    case 'DEAL_ITEM_NOT_FOUND':
      return { status: 404, message: 'The deal has no such item' };
    case 'DEAL_AMOUNT_FROM_ITEMS':
      return { status: 409, message: "The deal has items: its amount is their sum, in the products' currency" };
    case 'DEAL_ITEM_CURRENCY':
      return { status: 400, message: "The product's currency differs from the deal's" };
    case 'PRODUCT_INACTIVE':
      return { status: 400, message: 'The product is inactive and cannot be added to a deal' };
  }
}

/** `field` names the body field whose reference failed. */
export const dealsError = (code: DealsErrorCode, field?: string) => {
  const { status, message } = describe(code);
  return new AppError(code, status, message, { details: field ? { field } : undefined });
};
