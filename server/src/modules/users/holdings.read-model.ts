import { type DataSource } from 'typeorm';

import { type UserHoldingsDto } from '@contracts/dto/user';

/**
 * Reads leads, tasks, deals, contacts and companies: what a user still holds, for the handover wizard when they
 * leave. The same "open" as each module's `reassignOpen`. Never writes.
 */
export class HoldingsReadModel {
  constructor(private readonly dataSource: DataSource) {}

  async of(userId: string): Promise<UserHoldingsDto> {
    const rows: UserHoldingsDto[] = await this.dataSource.query(
      `SELECT
         (SELECT count(*) FROM leads WHERE owner_id = $1 AND status NOT IN ('converted', 'junk'))::int AS leads,
         (SELECT count(*) FROM tasks WHERE assignee_id = $1 AND done_at IS NULL)::int AS tasks,
         (SELECT count(*) FROM deals WHERE owner_id = $1 AND closed_at IS NULL)::int AS deals,
         (SELECT count(*) FROM contacts WHERE owner_id = $1)::int AS contacts,
         (SELECT count(*) FROM companies WHERE owner_id = $1)::int AS companies`,
      [userId],
    );
    return rows[0]!;
  }
}
