import { useEffect } from 'react';

/**
 * Keyboard shortcuts, documented in the README and shown as `aria-keyshortcuts`:
 * Alt+A answers the ringing call, Alt+H hangs up (or rejects a ringing call), Alt+M toggles mute.
 * Alt combinations work while typing in a field (a note during the call), unlike bare letters.
 */
export const SHORTCUTS = { answer: 'Alt+A', hangup: 'Alt+H', mute: 'Alt+M' } as const;

export function shortcutOf(event: Pick<KeyboardEvent, 'altKey' | 'ctrlKey' | 'metaKey' | 'code'>) {
  if (!event.altKey || event.ctrlKey || event.metaKey) return null;
  switch (event.code) {
    case 'KeyA':
      return 'answer';
    case 'KeyH':
      return 'hangup';
    case 'KeyM':
      return 'mute';
    default:
      return null;
  }
}

export function useSoftphoneShortcuts(handlers: Record<keyof typeof SHORTCUTS, () => void>): void {
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      const action = shortcutOf(event);
      if (!action) return;
      event.preventDefault();
      handlers[action]();
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [handlers]);
}
