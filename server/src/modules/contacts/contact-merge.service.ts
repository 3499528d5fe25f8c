import { type DataSource, type EntityManager } from 'typeorm';

import {
  type ContactMergeDto,
  type ContactUnmergeDto,
  MERGE_REF_KINDS,
  type MergeRefKind,
} from '@contracts/dto/contact-merge';
import { type UserDto } from '@contracts/dto/user';
import { assignsOthers } from '@server/common/access/visibility';
import { type ContactRefsOwner } from '@server/common/db/contact-refs';
import { type AuditService } from '@server/modules/audit/audit.service';
import { ownershipError } from '@server/modules/ownership/ownership.service';

import { ContactMergeRepository, type MergedFields, type RowSnapshot } from './contact-merge.repository';
import { contactsError } from './contacts.errors';
import { type ContactsService } from './contacts.service';

/** The modules whose rows point at a contact, each moving only its own (phones are the contacts module's). */
export type ContactRefOwners = Record<Exclude<MergeRefKind, 'phones'>, ContactRefsOwner>;

/** What the audit record of a merge keeps: enough to undo it exactly. */
interface MergeRecord {
  sourceId: string;
  source: RowSnapshot;
  targetBefore: MergedFields;
  moved: Record<Exclude<MergeRefKind, 'phones'>, string[]>;
  phones: { moved: string[]; dropped: RowSnapshot[] };
}

export interface ContactMergeDeps {
  dataSource: DataSource;
  contacts: Pick<ContactsService, 'get'>;
  audit: AuditService;
  owners: ContactRefOwners;
}

/**
 * Merging two contacts that are one client: the source's calls, deals, tasks, notes, leads, form submissions and
 * numbers move to the kept contact (the target), empty fields of the target are filled from the source, the source
 * goes, and an audit record (`contact.merge`) keeps what moved, so `undo` puts every row back. All of it is one
 * transaction: the owners move their own rows through the EntityManager, and a failure anywhere changes nothing.
 * Staff only (supervisors, managers, admins), and both contacts must be visible to them.
 */
export class ContactMerge {
  private readonly repo = new ContactMergeRepository();

  constructor(private readonly deps: ContactMergeDeps) {}

  async merge(viewer: UserDto, targetId: string, sourceId: string): Promise<ContactMergeDto> {
    if (!assignsOthers(viewer)) throw ownershipError('FORBIDDEN', 'sourceId');
    if (targetId === sourceId) throw contactsError('CONTACT_MERGE_SELF', 'sourceId');
    await this.deps.contacts.get(viewer, targetId);
    await this.deps.contacts.get(viewer, sourceId).catch(() => {
      throw contactsError('CONTACT_NOT_FOUND', 'sourceId');
    });
    const { mergeId, moved } = await this.deps.dataSource.transaction(async (m) => {
      const rows = await this.repo.lockPair(m, targetId, sourceId);
      const source = rows.get(sourceId);
      const target = rows.get(targetId);
      // Gone since the check above (merged or deleted by someone else meanwhile).
      if (!source || !target) throw contactsError('CONTACT_NOT_FOUND', source ? undefined : 'sourceId');
      const record: MergeRecord = {
        sourceId,
        source,
        targetBefore: fieldsOf(target),
        moved: {} as MergeRecord['moved'],
        phones: await this.repo.movePhones(m, sourceId, targetId),
      };
      for (const [kind, owner] of Object.entries(this.deps.owners) as [keyof ContactRefOwners, ContactRefsOwner][]) {
        record.moved[kind] = await owner.moveContactRefs(m, sourceId, targetId);
      }
      await this.repo.setFields(m, targetId, combine(record.targetBefore, fieldsOf(source)));
      await this.repo.remove(m, sourceId);
      const id = await this.deps.audit.recordReturningId(
        {
          actorId: viewer.id,
          action: 'contact.merge',
          entity: 'contact',
          entityId: targetId,
          details: { ...record, name: source.name },
        },
        m,
      );
      return { mergeId: id, moved: counts(record) };
    });
    return { contact: await this.deps.contacts.get(viewer, targetId), mergeId, moved };
  }

  /** Puts the merged contact back with exactly the rows the merge moved (later changes to other rows stay). */
  async undo(viewer: UserDto, mergeId: string): Promise<ContactUnmergeDto> {
    if (!assignsOthers(viewer)) throw ownershipError('FORBIDDEN', 'mergeId');
    const { targetId, sourceId } = await this.deps.dataSource.transaction(async (m) => {
      const row = await this.deps.audit.find(mergeId, 'contact.merge', m);
      if (!row?.entityId) throw contactsError('MERGE_NOT_FOUND');
      // The kept contact must still be visible to whoever undoes it.
      await this.deps.contacts.get(viewer, row.entityId, m);
      const record = row.details as unknown as MergeRecord;
      await this.lockUndo(m, mergeId);
      if (
        (await this.deps.audit.existsWithDetail('contact.merge.undo', 'mergeId', mergeId, m)) ||
        (await this.repo.exists(m, record.sourceId))
      ) {
        throw contactsError('MERGE_ALREADY_UNDONE');
      }
      const target = row.entityId;
      await this.repo.insertSnapshot(m, 'contacts', record.source);
      await this.repo.restorePhones(m, record.phones.moved, record.phones.dropped, target, record.sourceId);
      for (const [kind, owner] of Object.entries(this.deps.owners) as [keyof ContactRefOwners, ContactRefsOwner][]) {
        await owner.restoreContactRefs(m, record.moved[kind] ?? [], target, record.sourceId);
      }
      await this.repo.setFields(m, target, record.targetBefore);
      await this.deps.audit.record(
        {
          actorId: viewer.id,
          action: 'contact.merge.undo',
          entity: 'contact',
          entityId: record.sourceId,
          details: { mergeId, keptId: target },
        },
        m,
      );
      return { targetId: target, sourceId: record.sourceId };
    });
    return {
      restored: await this.deps.contacts.get(viewer, sourceId),
      kept: await this.deps.contacts.get(viewer, targetId),
    };
  }

  /** Two undos of the same merge at once: the second waits, then finds the first's audit row. */
  private async lockUndo(m: EntityManager, mergeId: string): Promise<void> {
    await m.query(`SELECT pg_advisory_xact_lock(hashtext('contact.merge.undo:' || $1))`, [mergeId]);
  }
}

const fieldsOf = (row: RowSnapshot): MergedFields => ({
  email: (row.email as string | null) ?? null,
  company_id: (row.company_id as string | null) ?? null,
  do_not_call: row.do_not_call === true,
  tags: (row.tags as string[] | null) ?? [],
  custom: (row.custom as Record<string, unknown> | null) ?? {},
});

/** The kept contact's values win; what it lacks comes from the source; do-not-call from either stays. */
const combine = (kept: MergedFields, from: MergedFields): MergedFields => ({
  email: kept.email ?? from.email,
  company_id: kept.company_id ?? from.company_id,
  do_not_call: kept.do_not_call || from.do_not_call,
  tags: [...new Set([...kept.tags, ...from.tags])],
  custom: { ...from.custom, ...kept.custom },
});

const counts = (r: MergeRecord): Record<MergeRefKind, number> => {
  const out = Object.fromEntries(MERGE_REF_KINDS.map((k) => [k, 0])) as Record<MergeRefKind, number>;
  for (const [kind, ids] of Object.entries(r.moved)) out[kind as MergeRefKind] = ids.length;
  out.phones = r.phones.moved.length;
  return out;
};
