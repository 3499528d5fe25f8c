import { type ApiTokenDto, type CreateApiTokenRequest, type CreatedApiTokenDto } from '@contracts/dto/api-token';
import { type BusinessHoursDto, type PutBusinessHoursRequest } from '@contracts/dto/business-hours';
import { type Page } from '@contracts/dto/common';
import {
  type CreateWebhookRequest,
  type CreatedWebhookEndpointDto,
  type UpdateWebhookRequest,
  type WebhookDeliveryDto,
  type WebhookEndpointDto,
} from '@contracts/dto/webhook';
import { type CreateWebFormRequest, type UpdateWebFormRequest, type WebFormDto } from '@contracts/dto/web-form';
import { http } from '@client/api/http';

const items = <T>(p: Promise<{ items: T[] }>) => p.then((r) => r.items);
const id = encodeURIComponent;

export const tokensApi = {
  list: (signal?: AbortSignal) => items(http.get<{ items: ApiTokenDto[] }>('/api/tokens', { signal })),
  create: (body: CreateApiTokenRequest) => http.post<CreatedApiTokenDto>('/api/tokens', body),
  revoke: (tokenId: string) => http.delete<void>(`/api/tokens/${id(tokenId)}`),
};

export const webhooksApi = {
  list: (signal?: AbortSignal) => items(http.get<{ items: WebhookEndpointDto[] }>('/api/webhooks', { signal })),
  create: (body: CreateWebhookRequest) => http.post<CreatedWebhookEndpointDto>('/api/webhooks', body),
  update: (endpointId: string, body: UpdateWebhookRequest) =>
    http.patch<WebhookEndpointDto>(`/api/webhooks/${id(endpointId)}`, body),
  remove: (endpointId: string) => http.delete<void>(`/api/webhooks/${id(endpointId)}`),
  deliveries: (endpointId: string, signal?: AbortSignal) =>
    http.get<Page<WebhookDeliveryDto>>(`/api/webhooks/${id(endpointId)}/deliveries`, {
      query: { limit: 50, offset: 0 },
      signal,
    }),
  redeliver: (deliveryId: string) =>
    http.post<WebhookDeliveryDto>(`/api/webhooks/deliveries/${id(deliveryId)}/redeliver`),
};

export const formsApi = {
  list: (signal?: AbortSignal) => items(http.get<{ items: WebFormDto[] }>('/api/forms', { signal })),
  create: (body: CreateWebFormRequest) => http.post<WebFormDto>('/api/forms', body),
  update: (formId: string, body: UpdateWebFormRequest) => http.patch<WebFormDto>(`/api/forms/${id(formId)}`, body),
};

export const businessHoursApi = {
  list: (signal?: AbortSignal) => items(http.get<{ items: BusinessHoursDto[] }>('/api/business-hours', { signal })),
  put: (queue: string, body: PutBusinessHoursRequest) =>
    http.put<BusinessHoursDto>(`/api/business-hours/${id(queue)}`, body),
};
