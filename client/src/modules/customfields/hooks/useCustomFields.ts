import { type CustomFieldDto, type CustomFieldEntity } from '@contracts/dto/custom-field';
import { customFieldsApi } from '@client/api/crmApi';
import { useQuery } from '@client/app/useQuery';

/** The custom fields in use for a record type, in their order (empty while loading or on error). */
export function useCustomFields(entity: CustomFieldEntity): CustomFieldDto[] {
  return useQuery(`custom-fields:${entity}`, (signal) => customFieldsApi.list(entity, signal)).data ?? [];
}
