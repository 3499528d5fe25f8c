import { type CallDto, type CallListQuery } from '@contracts/dto/call';
import { type Page } from '@contracts/dto/common';
import { http, type QueryValue } from '@client/api/http';

export const callLogApi = {
  list: (query: CallListQuery, signal?: AbortSignal) =>
    http.get<Page<CallDto>>('/api/calls', { query: query as Record<string, QueryValue>, signal }),
};
