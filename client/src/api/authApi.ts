import { http } from '@client/api/http';
import { type UserDto as SessionUser } from '@contracts/dto/user';

export const authApi = {
  me: (signal?: AbortSignal) => http.get<{ user: SessionUser }>('/api/auth/me', { signal }).then((r) => r.user),
  login: (login: string, password: string) =>
    http.post<{ user: SessionUser }>('/api/auth/login', { login, password }).then((r) => r.user),
  logout: () => http.post<unknown>('/api/auth/logout').then(() => undefined),
};
