import { type Page } from '@contracts/dto/common';
import { type CompanyDto, type CreateCompanyRequest, type UpdateCompanyRequest } from '@contracts/dto/company';
import { type ContactDto, type CreateContactRequest, type UpdateContactRequest } from '@contracts/dto/contact';
import {
  type AddDealItemRequest,
  type CreateDealRequest,
  type DealDto,
  type DealItemsDto,
  type DealStageChangeDto,
  type DealStageTotalDto,
  type UpdateDealRequest,
} from '@contracts/dto/deal';
import { type CustomFieldDto, type CustomFieldEntity } from '@contracts/dto/custom-field';
import { type PipelineDto } from '@contracts/dto/pipeline';
import {
  type CreateProductRequest,
  type ProductDto,
  type ProductImportResultDto,
  type UpdateProductRequest,
} from '@contracts/dto/product';
import { type CompanySettings } from '@contracts/dto/settings';
import { type TeamDto } from '@contracts/dto/team';
import {
  type ConvertLeadRequest,
  type ConvertLeadResponse,
  type LeadDto,
  type UpdateLeadRequest,
} from '@contracts/dto/lead';
import { type CreateNoteRequest, type NoteDto } from '@contracts/dto/note';
import { type SearchResultDto } from '@contracts/dto/search';
import { type CreateTaskRequest, type TaskDto, type UpdateTaskRequest } from '@contracts/dto/task';
import { type TimelineEntityType, type TimelineKind, type TimelinePage } from '@contracts/dto/timeline';
import { type UserAdminDto } from '@contracts/dto/user';
import { http, type QueryValue } from '@client/api/http';
import { uploadFile } from '@client/api/importsApi';

export interface ListParams {
  limit: number;
  offset: number;
  [key: string]: QueryValue;
}

/** Supervisors, managers and admins give a record to another active user (`POST …/:id/reassign`). */
const reassign =
  <T>(path: string) =>
  (id: string, userId: string) =>
    http.post<T>(`${path}/${encodeURIComponent(id)}/reassign`, { userId });

const list =
  <T>(path: string) =>
  (query: ListParams, signal?: AbortSignal) =>
    http.get<Page<T>>(path, { query, signal });

export const contactsApi = {
  list: list<ContactDto>('/api/contacts'),
  get: (id: string, signal?: AbortSignal) =>
    http.get<ContactDto>(`/api/contacts/${encodeURIComponent(id)}`, { signal }),
  create: (body: CreateContactRequest) => http.post<ContactDto>('/api/contacts', body),
  update: (id: string, body: UpdateContactRequest) =>
    http.patch<ContactDto>(`/api/contacts/${encodeURIComponent(id)}`, body),
  reassign: reassign<ContactDto>('/api/contacts'),
};

export const companiesApi = {
  list: list<CompanyDto>('/api/companies'),
  get: (id: string, signal?: AbortSignal) =>
    http.get<CompanyDto>(`/api/companies/${encodeURIComponent(id)}`, { signal }),
  create: (body: CreateCompanyRequest) => http.post<CompanyDto>('/api/companies', body),
  update: (id: string, body: UpdateCompanyRequest) =>
    http.patch<CompanyDto>(`/api/companies/${encodeURIComponent(id)}`, body),
  reassign: reassign<CompanyDto>('/api/companies'),
};

export const leadsApi = {
  list: list<LeadDto>('/api/leads'),
  get: (id: string, signal?: AbortSignal) => http.get<LeadDto>(`/api/leads/${encodeURIComponent(id)}`, { signal }),
  update: (id: string, body: UpdateLeadRequest) => http.patch<LeadDto>(`/api/leads/${encodeURIComponent(id)}`, body),
  /** The contact (new or existing) and optionally a first deal, in one step. */
  convert: (id: string, body: ConvertLeadRequest) =>
    http.post<ConvertLeadResponse>(`/api/leads/${encodeURIComponent(id)}/convert`, body),
  reassign: reassign<LeadDto>('/api/leads'),
};

export const dealsApi = {
  list: list<DealDto>('/api/deals'),
  update: (id: string, body: UpdateDealRequest) => http.patch<DealDto>(`/api/deals/${encodeURIComponent(id)}`, body),
  get: (id: string, signal?: AbortSignal) => http.get<DealDto>(`/api/deals/${encodeURIComponent(id)}`, { signal }),
  create: (body: CreateDealRequest) => http.post<DealDto>('/api/deals', body),
  history: (id: string, signal?: AbortSignal) =>
    http
      .get<{ items: DealStageChangeDto[] }>(`/api/deals/${encodeURIComponent(id)}/history`, { signal })
      .then((r) => r.items),
  reassign: reassign<DealDto>('/api/deals'),
  items: (id: string, signal?: AbortSignal) =>
    http.get<DealItemsDto>(`/api/deals/${encodeURIComponent(id)}/items`, { signal }),
  addItem: (id: string, body: AddDealItemRequest) =>
    http.post<DealItemsDto>(`/api/deals/${encodeURIComponent(id)}/items`, body),
  changeItem: (id: string, itemId: string, quantity: number) =>
    http.patch<DealItemsDto>(`/api/deals/${encodeURIComponent(id)}/items/${encodeURIComponent(itemId)}`, { quantity }),
  removeItem: (id: string, itemId: string) =>
    http.delete<DealItemsDto>(`/api/deals/${encodeURIComponent(id)}/items/${encodeURIComponent(itemId)}`),
  stageTotals: (pipelineId: string | undefined, signal?: AbortSignal) =>
    http
      .get<{ items: DealStageTotalDto[] }>('/api/deals/stage-totals', { query: { pipelineId }, signal })
      .then((r) => r.items),
};

/** Everyone reads the catalogue; admins and managers change it (the server answers 403 to the others). */
export const productsApi = {
  list: list<ProductDto>('/api/products'),
  create: (body: CreateProductRequest) => http.post<ProductDto>('/api/products', body),
  update: (id: string, body: UpdateProductRequest) =>
    http.patch<ProductDto>(`/api/products/${encodeURIComponent(id)}`, body),
  /** The file as the raw body, like a contacts import. */
  import: (file: File) => uploadFile<ProductImportResultDto>('/api/products/import', file),
  exportUrl: '/api/products/export',
};

export const tasksApi = {
  list: list<TaskDto>('/api/tasks'),
  get: (id: string, signal?: AbortSignal) => http.get<TaskDto>(`/api/tasks/${encodeURIComponent(id)}`, { signal }),
  create: (body: CreateTaskRequest) => http.post<TaskDto>('/api/tasks', body),
  update: (id: string, body: UpdateTaskRequest) => http.patch<TaskDto>(`/api/tasks/${encodeURIComponent(id)}`, body),
  reassign: reassign<TaskDto>('/api/tasks'),
};

export const notesApi = {
  list: list<NoteDto>('/api/notes'),
  create: (body: CreateNoteRequest) => http.post<NoteDto>('/api/notes', body),
};

/** Supervisors, managers and admins only (the server answers 403 to operators). */
export const usersApi = {
  list: (signal?: AbortSignal) => http.get<{ items: UserAdminDto[] }>('/api/users', { signal }).then((r) => r.items),
};

/** Everyone reads the pipelines (the kanban's columns). */
export const pipelinesApi = {
  list: (signal?: AbortSignal) => http.get<{ items: PipelineDto[] }>('/api/pipelines', { signal }).then((r) => r.items),
};

/** Everyone reads the definitions (forms, lists, the pop card). */
export const customFieldsApi = {
  list: (entity: CustomFieldEntity, signal?: AbortSignal) =>
    http.get<{ items: CustomFieldDto[] }>('/api/custom-fields', { query: { entity }, signal }).then((r) => r.items),
};

/** Staff: the teams they may filter by (a team supervisor gets their own). */
export const teamsApi = {
  list: (signal?: AbortSignal) => http.get<{ items: TeamDto[] }>('/api/teams', { signal }).then((r) => r.items),
};

export const settingsApi = {
  get: (signal?: AbortSignal) => http.get<CompanySettings>('/api/settings', { signal }),
};

/** A client's history, newest first; `before` is the previous page's `nextCursor`. */
export const timelineApi = {
  page: (
    query: { entityType: TimelineEntityType; entityId: string; kinds?: TimelineKind; before?: string },
    signal?: AbortSignal,
  ) => http.get<TimelinePage>('/api/timeline', { query, signal }),
};

/** The top bar's search: every kind of record the viewer may see, grouped. */
export const searchApi = {
  search: (q: string, signal?: AbortSignal) => http.get<SearchResultDto>('/api/search', { query: { q }, signal }),
};
