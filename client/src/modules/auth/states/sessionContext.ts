import { createContext, useContext } from 'react';

import { type UserDto as SessionUser } from '@contracts/dto/user';

export interface Session {
  /** undefined while the first /me is in flight; null when signed out. */
  user: SessionUser | null | undefined;
  /** The calls are the demo telephony's, replayed from recordings (the quick start): screens say so. */
  demoCalls: boolean;
  login: (login: string, password: string) => Promise<void>;
  logout: () => Promise<void>;
}

export const SessionContext = createContext<Session | null>(null);

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside <SessionProvider>');
  return session;
}

/** For screens that only render when signed in. */
export function useCurrentUser(): SessionUser {
  const { user } = useSession();
  if (!user) throw new Error('useCurrentUser while signed out');
  return user;
}
