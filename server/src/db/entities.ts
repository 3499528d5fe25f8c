import { ApiTokenEntity } from '@server/modules/api-tokens/api-token.entity';
import { AuditLogEntity } from '@server/modules/audit/audit-log.entity';
import { SessionEntity } from '@server/modules/auth/session.entity';
import { CallEntity, CallLegEntity, RecordingEntity } from '@server/modules/calls/call.entity';
import { CompanyEntity } from '@server/modules/companies/company.entity';
import { ContactEntity, ContactPhoneEntity } from '@server/modules/contacts/contact.entity';
import { DealEntity } from '@server/modules/deals/deal.entity';
import { LeadEntity } from '@server/modules/leads/lead.entity';
import { NoteEntity } from '@server/modules/notes/note.entity';
import { TaskEntity } from '@server/modules/tasks/task.entity';
import { UserEntity } from '@server/modules/users/user.entity';

/** Every entity the data source knows; the schema itself comes from migrations/ only. */
export const entities = [
  UserEntity,
  SessionEntity,
  CompanyEntity,
  ContactEntity,
  ContactPhoneEntity,
  LeadEntity,
  DealEntity,
  TaskEntity,
  NoteEntity,
  CallEntity,
  CallLegEntity,
  RecordingEntity,
  AuditLogEntity,
  ApiTokenEntity,
];
