import { AppError } from '@server/common/errors/app-error';

export type WebhooksErrorCode = 'WEBHOOK_NOT_FOUND' | 'WEBHOOK_URL_NOT_ALLOWED' | 'WEBHOOK_DELIVERY_NOT_FOUND';

function message(code: WebhooksErrorCode): string {
  switch (code) {
    case 'WEBHOOK_NOT_FOUND':
      return 'Webhook endpoint not found';
    case 'WEBHOOK_URL_NOT_ALLOWED':
      return 'The URL leads to a private, loopback or link-local address (allow it in WEBHOOK_ALLOWED_NETWORKS)';
    case 'WEBHOOK_DELIVERY_NOT_FOUND':
      return 'Webhook delivery not found';
  }
}

const STATUS: Record<WebhooksErrorCode, number> = {
  WEBHOOK_NOT_FOUND: 404,
  WEBHOOK_URL_NOT_ALLOWED: 400,
  WEBHOOK_DELIVERY_NOT_FOUND: 404,
};

export const webhooksError = (code: WebhooksErrorCode, details?: unknown) =>
  new AppError(code, STATUS[code], message(code), { details });
