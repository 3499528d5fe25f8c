import { AppError } from '@server/common/errors/app-error';

export type NotificationsErrorCode = 'NOTIFICATION_NOT_FOUND';

function message(code: NotificationsErrorCode): string {
  switch (code) {
    case 'NOTIFICATION_NOT_FOUND':
      return 'Notification not found';
  }
}

/** Someone else's notification is "not found" too: its existence is nobody else's business. */
export const notificationsError = (code: NotificationsErrorCode) => new AppError(code, 404, message(code));
