import { type ReactNode, useCallback, useEffect, useMemo, useState } from 'react';

import { authApi } from '@client/api/authApi';
import { ApiError, onUnauthorized } from '@client/api/http';
import { type UserDto as SessionUser } from '@contracts/dto/user';
import { changeLocale, isLocale, storedLocale } from '@client/i18n/i18n';
import { type Session, SessionContext } from '@client/modules/auth/states/sessionContext';

function adoptUserLocale(user: SessionUser): void {
  // A choice made on this device wins; the profile's locale only sets the first impression.
  if (!storedLocale() && isLocale(user.locale)) void changeLocale(user.locale);
}

export function SessionProvider({ children }: { children: ReactNode }) {
  const [user, setUser] = useState<SessionUser | null | undefined>(undefined);
  const [demoCalls, setDemoCalls] = useState(false);

  useEffect(() => {
    const controller = new AbortController();
    authApi.me(controller.signal).then(
      ({ user: me, demoCalls: demo }) => {
        adoptUserLocale(me);
        setUser(me);
        setDemoCalls(demo === true);
      },
      (error: unknown) => {
        if (controller.signal.aborted) return;
        // 401 is the normal signed-out answer; anything else also lands on the login form, which can retry.
        if (!(error instanceof ApiError) || error.status !== 401) console.warn('session check failed', error);
        setUser(null);
      },
    );
    return () => controller.abort();
  }, []);

  useEffect(() => onUnauthorized(() => setUser(null)), []);

  const login = useCallback(async (name: string, password: string) => {
    const { user: me, demoCalls: demo } = await authApi.login(name, password);
    adoptUserLocale(me);
    setUser(me);
    setDemoCalls(demo === true);
  }, []);

  const logout = useCallback(async () => {
    try {
      await authApi.logout();
    } finally {
      setUser(null);
      window.location.hash = '/';
    }
  }, []);

  const value = useMemo<Session>(() => ({ user, demoCalls, login, logout }), [user, demoCalls, login, logout]);
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}
