import { type DataSource, type EntityManager } from 'typeorm';

import { type RecordReassignedPayload } from '@contracts/socket-events';
import { type UserDto } from '@contracts/dto/user';
import { type Logger } from '@server/common/logger/logger';
import { type AuditService } from '@server/modules/audit/audit.service';

import { ownershipError } from './ownership.errors';
import { userState } from './owners.read-model';

/** The owning modules refuse a bad owner with the same errors as a reassignment. */
export { ownershipError };

export type Reassignment = RecordReassignedPayload;

/**
 * Told after every committed reassignment (the realtime push today; the notifications module adds its own). A
 * listener that throws is logged and does not undo the reassignment.
 */
export type ReassignmentListener = (change: Reassignment) => void | Promise<void>;

export interface OwnerChange {
  entityType: Reassignment['entityType'];
  entityId: string;
  /** What the new owner will see it called (title or name). */
  name: string;
  fromUserId: string | null;
  toUserId: string | null;
  /** The body field that named the new owner, for the error's `details.field`. */
  field: string;
}

/**
 * One way owners and assignees change hands, whichever module owns the record: the new owner must be an active user
 * (409 otherwise: a deactivated user would never see it), the owning module's write and the audit row
 * (`<entity>.reassign`, `details {from, to}`, which the timeline shows) commit together, and the listeners hear of
 * it afterwards. The caller checks who may reassign: its own rules decide (an operator may take a task back).
 */
export class Reassigner {
  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly listeners: ReassignmentListener[],
    private readonly logger: Logger,
  ) {}

  /** Nothing happens (and nothing is audited) when the owner stays the same. True when it changed. */
  async reassign(
    viewer: Pick<UserDto, 'id'>,
    change: OwnerChange,
    write: (manager: EntityManager) => Promise<void>,
  ): Promise<boolean> {
    if (change.fromUserId === change.toUserId) return false;
    if (change.toUserId !== null) await this.assertActive(change.toUserId, change.field);
    await this.dataSource.transaction(async (m) => {
      await write(m);
      await this.audit.record(
        {
          actorId: viewer.id,
          action: `${change.entityType}.reassign`,
          entity: change.entityType,
          entityId: change.entityId,
          details: { from: change.fromUserId, to: change.toUserId },
        },
        m,
      );
    });
    const told: Reassignment = {
      entityType: change.entityType,
      entityId: change.entityId,
      name: change.name,
      fromUserId: change.fromUserId,
      toUserId: change.toUserId,
      byUserId: viewer.id,
      at: new Date().toISOString(),
    };
    for (const listener of this.listeners) {
      try {
        await listener(told);
      } catch (err) {
        this.logger.warn({ err, change: told }, 'a reassignment listener failed');
      }
    }
    return true;
  }

  private async assertActive(userId: string, field: string): Promise<void> {
    const state = await userState(this.dataSource, userId);
    if (state === null) throw ownershipError('USER_NOT_FOUND', field);
    if (state === 'inactive') throw ownershipError('USER_INACTIVE', field);
  }
}
