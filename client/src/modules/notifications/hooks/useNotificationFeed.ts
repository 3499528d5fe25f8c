import { useCallback, useEffect, useState } from 'react';

import { type NotificationDto } from '@contracts/dto/notification';
import { notificationsApi } from '@client/modules/notifications/api/notificationsApi';
import { useRealtime, useSocketEvent } from '@client/realtime/realtimeContext';

export interface NotificationFeed {
  items: NotificationDto[];
  total: number;
  unread: number;
  /** Those that arrived live in this tab, newest first (the toasts), until dismissed. */
  fresh: NotificationDto[];
  loadMore: () => void;
  markRead: (id: string) => void;
  markAllRead: () => void;
  dismiss: (id: string) => void;
}

/** Toasts shown at once; older ones drop off so a burst of callbacks never covers the screen. */
const SHOWN = 4;

/**
 * The signed-in user's stored notifications: the newest page at start and after every reconnect (what arrived
 * while the tab was closed or offline), then each `notification:new` as it comes.
 */
export function useNotificationFeed(
  onArrived: (n: NotificationDto, markRead: (id: string) => void) => void,
): NotificationFeed {
  const { resyncVersion } = useRealtime();
  const [items, setItems] = useState<NotificationDto[]>([]);
  const [total, setTotal] = useState(0);
  const [unread, setUnread] = useState(0);
  const [fresh, setFresh] = useState<NotificationDto[]>([]);

  useEffect(() => {
    const controller = new AbortController();
    notificationsApi
      .page(0, 20, controller.signal)
      .then((page) => {
        setItems(page.items);
        setTotal(page.total);
        setUnread(page.unread);
      })
      .catch(() => undefined);
    return () => controller.abort();
  }, [resyncVersion]);

  const loadMore = useCallback(() => {
    notificationsApi
      .page(items.length)
      .then((page) => {
        setItems((all) => [...all, ...page.items.filter((n) => !all.some((a) => a.id === n.id))]);
        setTotal(page.total);
        setUnread(page.unread);
      })
      .catch(() => undefined);
  }, [items.length]);

  const markRead = useCallback((id: string) => {
    const now = new Date().toISOString();
    setItems((all) => all.map((n) => (n.id === id && !n.readAt ? { ...n, readAt: now } : n)));
    setFresh((all) => all.filter((n) => n.id !== id));
    notificationsApi
      .markRead(id)
      .then(() => notificationsApi.page(0, 1))
      .then((page) => setUnread(page.unread))
      .catch(() => undefined);
  }, []);

  const markAllRead = useCallback(() => {
    const now = new Date().toISOString();
    setItems((all) => all.map((n) => (n.readAt ? n : { ...n, readAt: now })));
    setFresh([]);
    setUnread(0);
    notificationsApi.markAllRead().catch(() => undefined);
  }, []);

  useSocketEvent('notification:new', ({ notification, unread: count }) => {
    setItems((all) => [notification, ...all.filter((n) => n.id !== notification.id)]);
    setTotal((n) => n + 1);
    setUnread(count);
    setFresh((all) => [notification, ...all.filter((n) => n.id !== notification.id)].slice(0, SHOWN));
    onArrived(notification, markRead);
  });

  const dismiss = useCallback((id: string) => setFresh((all) => all.filter((n) => n.id !== id)), []);

  return { items, total, unread, fresh, loadMore, markRead, markAllRead, dismiss };
}
