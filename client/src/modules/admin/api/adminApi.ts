import { type AuditEntryDto, type AuditListQuery, type AuditPageDto } from '@contracts/dto/audit';
import {
  type CreateCustomFieldRequest,
  type CustomFieldDto,
  type UpdateCustomFieldRequest,
} from '@contracts/dto/custom-field';
import { type CreatePipelineRequest, type PipelineDto, type UpdatePipelineRequest } from '@contracts/dto/pipeline';
import { type CompanySettings, type UpdateSettingsRequest } from '@contracts/dto/settings';
import { type CreateTeamRequest, type TeamDto, type UpdateTeamRequest } from '@contracts/dto/team';
import {
  type CreateUserRequest,
  type ExtensionCheckDto,
  type HoldingKind,
  type UpdateUserRequest,
  type UserAdminDto,
  type UserChangeDto,
  type UserHoldingsDto,
} from '@contracts/dto/user';
import { type QueueSettingDto } from '@contracts/dto/analytics';
import { buildUrl, http, type QueryValue } from '@client/api/http';

const id = (value: string) => encodeURIComponent(value);

/** Admin screens (the server refuses other roles; managers may read the audit log). */
export const adminApi = {
  users: (signal?: AbortSignal) => http.get<{ items: UserAdminDto[] }>('/api/users', { signal }).then((r) => r.items),
  createUser: (body: CreateUserRequest) => http.post<UserChangeDto>('/api/users', body),
  updateUser: (userId: string, body: UpdateUserRequest) => http.patch<UserChangeDto>(`/api/users/${id(userId)}`, body),
  resetPassword: (userId: string, password: string) =>
    http.post<void>(`/api/users/${id(userId)}/password`, { password }),
  checkExtension: (extension: string, userId?: string) =>
    http.get<ExtensionCheckDto>('/api/users/extension-check', { query: { extension, userId } }),
  holdings: (userId: string, signal?: AbortSignal) =>
    http.get<UserHoldingsDto>(`/api/users/${id(userId)}/holdings`, { signal }),
  reassign: (userId: string, toUserId: string, kinds: HoldingKind[]) =>
    http.post<UserHoldingsDto>(`/api/users/${id(userId)}/reassign`, { toUserId, kinds }),

  teams: (signal?: AbortSignal) => http.get<{ items: TeamDto[] }>('/api/teams', { signal }).then((r) => r.items),
  createTeam: (body: CreateTeamRequest) => http.post<TeamDto>('/api/teams', body),
  updateTeam: (teamId: string, body: UpdateTeamRequest) => http.patch<TeamDto>(`/api/teams/${id(teamId)}`, body),
  deleteTeam: (teamId: string) => http.delete<void>(`/api/teams/${id(teamId)}`),

  fields: (signal?: AbortSignal) =>
    http
      .get<{ items: CustomFieldDto[] }>('/api/custom-fields', { query: { includeRemoved: 'true' }, signal })
      .then((r) => r.items),
  createField: (body: CreateCustomFieldRequest) => http.post<CustomFieldDto>('/api/custom-fields', body),
  updateField: (fieldId: string, body: UpdateCustomFieldRequest) =>
    http.patch<CustomFieldDto>(`/api/custom-fields/${id(fieldId)}`, body),
  removeField: (fieldId: string) => http.delete<CustomFieldDto>(`/api/custom-fields/${id(fieldId)}`),
  restoreField: (fieldId: string) => http.post<CustomFieldDto>(`/api/custom-fields/${id(fieldId)}/restore`),
  purgeField: (fieldId: string) => http.delete<{ purged: number }>(`/api/custom-fields/${id(fieldId)}/values`),

  pipelines: (signal?: AbortSignal) =>
    http.get<{ items: PipelineDto[] }>('/api/pipelines', { signal }).then((r) => r.items),
  createPipeline: (body: CreatePipelineRequest) => http.post<PipelineDto>('/api/pipelines', body),
  updatePipeline: (pipelineId: string, body: UpdatePipelineRequest) =>
    http.patch<PipelineDto>(`/api/pipelines/${id(pipelineId)}`, body),
  deletePipeline: (pipelineId: string) => http.delete<void>(`/api/pipelines/${id(pipelineId)}`),

  settings: (signal?: AbortSignal) => http.get<CompanySettings>('/api/settings', { signal }),
  updateSettings: (body: UpdateSettingsRequest) => http.put<CompanySettings>('/api/settings', body),
  queueSettings: (signal?: AbortSignal) => http.get<QueueSettingDto[]>('/api/analytics/queue-settings', { signal }),
  setQueueWrapUp: (queue: string, wrapUpSeconds: number) =>
    http.put<QueueSettingDto>(`/api/analytics/queue-settings/${id(queue)}`, { wrapUpSeconds }),

  audit: (query: AuditListQuery, signal?: AbortSignal) =>
    http.get<AuditPageDto>('/api/audit', { query: query as Record<string, QueryValue>, signal }),
  auditActions: (signal?: AbortSignal) =>
    http.get<{ items: string[] }>('/api/audit/actions', { signal }).then((r) => r.items),
  auditExportUrl: (query: Omit<AuditListQuery, 'cursor' | 'limit'>) =>
    buildUrl('/api/audit/export', query as Record<string, QueryValue>),
};

export type { AuditEntryDto };
