import { type TFunction } from 'i18next';

import { type NotificationDto } from '@contracts/dto/notification';
import { recordPath } from '@client/app/router';
import { formatPhone } from '@client/i18n/format';
import { type Locale } from '@client/i18n/i18n';

const PHONE = /^\+\d{6,15}$/;

/**
 * The sentence a notification reads as, in the reader's language: the server stores only the kind and its values
 * (it does not know who will read it in which language). A callback's name is its number, shown as people write it.
 */
export function notificationText(n: NotificationDto, t: TFunction, locale: Locale): string {
  const raw = n.params.name ?? '';
  const name = PHONE.test(raw) ? formatPhone(raw, locale) : raw;
  switch (n.kind) {
    case 'task-assigned':
      return t(`notifications.kind.taskAssigned.${n.params.reason ?? 'assigned'}`, { name });
    case 'lead-assigned':
      return t(`notifications.kind.leadAssigned.${n.params.reason ?? 'created'}`, { name });
    case 'record-reassigned':
      return t(`notifications.kind.reassigned.${n.entityType}`, { name });
    case 'deal-stage-changed':
      return t('notifications.kind.dealStage', { name, from: n.params.from, to: n.params.to });
    case 'task-due':
      return t('notifications.kind.taskDue', { name });
    case 'callback-escalated':
      return t('notifications.kind.escalated', { name });
  }
}

/** Where opening it leads (the record's own page where there is one, its list otherwise). */
export function notificationLink(n: NotificationDto): string {
  return recordPath(n.entityType, n.entityId);
}
