import { type Page } from '@contracts/dto/common';
import { type ReviewDto, type ReviewItemDto, type ReviewListQuery, type ReviewRequest } from '@contracts/dto/quality';
import { buildUrl, http, type QueryValue } from '@client/api/http';

export type ReviewFilters = Omit<ReviewListQuery, 'limit' | 'offset'>;

export const qualityApi = {
  list: (query: ReviewListQuery, signal?: AbortSignal) =>
    http.get<Page<ReviewItemDto>>('/api/reviews', { query: query as Record<string, QueryValue>, signal }),
  review: (callId: string, body: ReviewRequest) =>
    http.put<ReviewDto>(`/api/calls/${encodeURIComponent(callId)}/review`, body),
  /** A plain link: the browser downloads with the session cookie, and a GET needs no CSRF header. */
  exportHref: (filters: ReviewFilters, format: 'csv' | 'xlsx', lang: 'ru' | 'en') =>
    buildUrl('/api/reviews/export', { ...(filters as Record<string, QueryValue>), format, lang }),
};
