import { http } from '@client/api/http';
import { type UserDto as SessionUser } from '@contracts/dto/user';

/** The signed-in user, and whether the calls this CRM sees are the demo telephony's (the quick start). */
export interface SessionResponse {
  user: SessionUser;
  demoCalls?: boolean;
}

export const authApi = {
  me: (signal?: AbortSignal) => http.get<SessionResponse>('/api/auth/me', { signal }),
  login: (login: string, password: string) => http.post<SessionResponse>('/api/auth/login', { login, password }),
  logout: () => http.post<unknown>('/api/auth/logout').then(() => undefined),
};
