import { type NotificationPageDto, type ReadAllResponse } from '@contracts/dto/notification';
import { http } from '@client/api/http';

export const notificationsApi = {
  page: (offset: number, limit = 20, signal?: AbortSignal) =>
    http.get<NotificationPageDto>('/api/notifications', { query: { offset, limit }, signal }),
  markRead: (id: string) => http.post<void>(`/api/notifications/${id}/read`),
  markAllRead: () => http.post<ReadAllResponse>('/api/notifications/read-all'),
};
