import { useEffect } from 'react';

/**
 * A desktop notification for an incoming call while the tab is in the background, if the user allowed them.
 * Permission is asked once, on the first call, never on page load. Clicking it brings the tab forward.
 */
export function useCallNotification(callId: string | null, title: string, body: string): void {
  useEffect(() => {
    if (!callId || typeof Notification === 'undefined' || document.visibilityState === 'visible') return;
    let notification: Notification | null = null;
    let cancelled = false;
    const show = () => {
      if (cancelled || Notification.permission !== 'granted') return;
      notification = new Notification(title, { body, tag: `zvonok-call-${callId}`, requireInteraction: true });
      notification.onclick = () => {
        window.focus();
        notification?.close();
      };
    };
    if (Notification.permission === 'default') {
      Notification.requestPermission()
        .then(show)
        .catch(() => undefined);
    } else show();
    return () => {
      cancelled = true;
      notification?.close();
    };
  }, [callId, title, body]);
}
