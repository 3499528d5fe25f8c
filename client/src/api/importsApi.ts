import {
  type ExportContactsQuery,
  type ImportJobDto,
  type ImportMapping,
  type ImportPreviewDto,
} from '@contracts/dto/import';
import { CSRF_HEADER, CSRF_HEADER_VALUE } from '@contracts/error-codes';
import { ApiError, buildUrl, http, NETWORK_ERROR } from '@client/api/http';

/**
 * Uploads the file as the raw request body. XMLHttpRequest rather than fetch because only XHR reports
 * upload progress in browsers today; errors become the same ApiError as every other request.
 */
export function uploadImport(file: File, onProgress: (fraction: number) => void): Promise<ImportPreviewDto> {
  return uploadFile<ImportPreviewDto>('/api/imports', file, onProgress);
}

/** `POST path?fileName=` with the file as the raw body (contacts, products); `onProgress` gets 0…1. */
export function uploadFile<T>(path: string, file: File, onProgress?: (fraction: number) => void): Promise<T> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', buildUrl(path, { fileName: file.name }));
    xhr.setRequestHeader(CSRF_HEADER, CSRF_HEADER_VALUE);
    xhr.setRequestHeader('Content-Type', 'application/octet-stream');
    xhr.setRequestHeader('Accept', 'application/json');
    xhr.responseType = 'json';
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable) onProgress?.(e.loaded / e.total);
    };
    xhr.onerror = () => reject(new ApiError(NETWORK_ERROR, 0));
    xhr.onload = () => {
      const body = xhr.response as unknown;
      if (xhr.status >= 200 && xhr.status < 300) {
        resolve(body as T);
        return;
      }
      const error = (body as { error?: { code?: unknown; details?: unknown } } | null)?.error;
      const code = typeof error?.code === 'string' ? error.code : xhr.status >= 500 ? 'INTERNAL' : 'UNKNOWN';
      reject(new ApiError(code, xhr.status, error?.details));
    };
    xhr.send(file);
  });
}

export const importsApi = {
  get: (id: string, signal?: AbortSignal) =>
    http.get<ImportJobDto>(`/api/imports/${encodeURIComponent(id)}`, { signal }),
  start: (id: string, mapping: ImportMapping) =>
    http.post<ImportJobDto>(`/api/imports/${encodeURIComponent(id)}/start`, { mapping }),
};

/** A plain link target: the browser downloads with the session cookie; GET needs no CSRF header. */
export const contactsExportUrl = (query: ExportContactsQuery) =>
  buildUrl('/api/contacts/export', { ...query } as Record<string, string | undefined>);
