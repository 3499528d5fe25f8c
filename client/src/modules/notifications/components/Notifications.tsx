import { useEffect, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';

import { type NotificationDto } from '@contracts/dto/notification';
import { href } from '@client/app/router';
import { useLocale } from '@client/app/useLocale';
import { useNotificationFeed } from '@client/modules/notifications/hooks/useNotificationFeed';
import { notificationLink, notificationText } from '@client/modules/notifications/utils/notificationText';
import { Icon } from '@client/ui/Icon';

const desktopAllowed = () => typeof Notification !== 'undefined' && Notification.permission === 'granted';

/**
 * Work that arrived for the signed-in user: the bell in the top bar (unread count, the stored list, read one or
 * all), a toast for each that arrives while the tab is open, and a desktop notification when the tab is hidden.
 * Everything here is the user's own: the server stores one row per recipient and pushes to `user:<id>` only.
 */
export function Notifications() {
  const { t } = useTranslation();
  const locale = useLocale();
  const text = (n: NotificationDto) => notificationText(n, t, locale);
  const feed = useNotificationFeed((n, markRead) => {
    if (!document.hidden || !desktopAllowed()) return;
    const desktop = new Notification(t('app.name'), { body: text(n), tag: n.id });
    desktop.onclick = () => {
      window.focus();
      window.location.hash = `#${notificationLink(n)}`;
      markRead(n.id);
      desktop.close();
    };
  });
  const [open, setOpen] = useState(false);
  const rootRef = useRef<HTMLDivElement>(null);
  const panelId = useId();

  useEffect(() => {
    if (!open) return;
    const onPointer = (event: PointerEvent) => {
      if (!rootRef.current?.contains(event.target as Node)) setOpen(false);
    };
    const onKey = (event: KeyboardEvent) => event.key === 'Escape' && setOpen(false);
    document.addEventListener('pointerdown', onPointer);
    document.addEventListener('keydown', onKey);
    return () => {
      document.removeEventListener('pointerdown', onPointer);
      document.removeEventListener('keydown', onKey);
    };
  }, [open]);

  const toggle = () => {
    // Asked on a click of the user's own (browsers ignore the request otherwise), once.
    if (typeof Notification !== 'undefined' && Notification.permission === 'default') {
      void Notification.requestPermission().catch(() => undefined);
    }
    setOpen((o) => !o);
  };

  return (
    <div className="bell" ref={rootRef}>
      <button
        type="button"
        className="bell__button"
        aria-expanded={open}
        aria-controls={panelId}
        aria-label={t('notifications.bell', { count: feed.unread })}
        onClick={toggle}
        data-testid="notification-bell"
      >
        <Icon name="bell" />
        {feed.unread > 0 ? (
          <span className="bell__count" data-testid="notification-unread">
            {feed.unread > 99 ? '99+' : feed.unread}
          </span>
        ) : null}
      </button>
      {open ? (
        <div className="bell__panel" id={panelId} data-testid="notification-panel">
          <div className="bell__head">
            <strong>{t('notifications.label')}</strong>
            <button
              type="button"
              className="btn btn--ghost"
              disabled={feed.unread === 0}
              onClick={feed.markAllRead}
              data-testid="notification-read-all"
            >
              {t('notifications.markAll')}
            </button>
          </div>
          {feed.items.length === 0 ? <p className="muted">{t('notifications.empty')}</p> : null}
          <ul className="bell__list">
            {feed.items.map((n) => (
              <li
                key={n.id}
                className={n.readAt ? 'bell__item' : 'bell__item bell__item--unread'}
                data-testid="notification-item"
              >
                <a
                  href={href(notificationLink(n))}
                  onClick={() => {
                    feed.markRead(n.id);
                    setOpen(false);
                  }}
                >
                  {text(n)}
                </a>
                <time className="muted" dateTime={n.createdAt}>
                  {new Date(n.createdAt).toLocaleString(locale)}
                </time>
                {n.readAt ? null : (
                  <button
                    type="button"
                    className="btn btn--ghost bell__read"
                    onClick={() => feed.markRead(n.id)}
                    data-testid="notification-read"
                  >
                    {t('notifications.markRead')}
                  </button>
                )}
              </li>
            ))}
          </ul>
          {feed.items.length < feed.total ? (
            <button type="button" className="btn btn--ghost" onClick={feed.loadMore} data-testid="notification-more">
              {t('notifications.more')}
            </button>
          ) : null}
        </div>
      ) : null}
      {/* The open list shows them all; toasts would cover it. */}
      {!open && feed.fresh.length > 0 ? (
        <section className="notifications" aria-label={t('notifications.label')} aria-live="polite">
          {feed.fresh.map((n) => (
            <div key={n.id} className="notification" role="status" data-testid="notification">
              <a className="notification__text" href={href(notificationLink(n))} onClick={() => feed.markRead(n.id)}>
                {text(n)}
              </a>
              <button
                type="button"
                className="btn btn--ghost notification__close"
                aria-label={t('notifications.dismiss')}
                onClick={() => feed.dismiss(n.id)}
              >
                ×
              </button>
            </div>
          ))}
        </section>
      ) : null}
    </div>
  );
}
