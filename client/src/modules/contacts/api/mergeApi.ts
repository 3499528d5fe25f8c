import { type ContactDuplicatesDto, type ContactMergeDto, type ContactUnmergeDto } from '@contracts/dto/contact-merge';
import { http } from '@client/api/http';

export const mergeApi = {
  duplicates: (phone: string, exceptId: string | undefined, signal?: AbortSignal) =>
    http.get<ContactDuplicatesDto>('/api/contacts/duplicates', { query: { phone, exceptId }, signal }),
  /** Folds `sourceId` into `targetId` (the one kept). */
  merge: (targetId: string, sourceId: string) =>
    http.post<ContactMergeDto>(`/api/contacts/${encodeURIComponent(targetId)}/merge`, { sourceId }),
  undo: (mergeId: string) => http.post<ContactUnmergeDto>(`/api/contacts/merges/${encodeURIComponent(mergeId)}/undo`),
};
