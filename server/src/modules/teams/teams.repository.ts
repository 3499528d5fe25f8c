import { type DataSource } from 'typeorm';

export interface TeamRow {
  id: string;
  name: string;
  supervisor_id: string | null;
  member_ids: string[];
}

const SELECT = `SELECT t.id, t.name, t.supervisor_id,
    coalesce(array_agg(u.id ORDER BY u.name) FILTER (WHERE u.id IS NOT NULL), '{}') AS member_ids
  FROM teams t LEFT JOIN users u ON u.team_id = t.id`;

/** The `teams` table (members are `users.team_id`, written by the users module). */
export class TeamsRepository {
  constructor(private readonly dataSource: DataSource) {}

  list(): Promise<TeamRow[]> {
    return this.dataSource.query(`${SELECT} GROUP BY t.id ORDER BY t.name`);
  }

  async find(id: string): Promise<TeamRow | null> {
    const rows: TeamRow[] = await this.dataSource.query(`${SELECT} WHERE t.id = $1 GROUP BY t.id`, [id]);
    return rows[0] ?? null;
  }

  async insert(name: string, supervisorId: string | null): Promise<string> {
    const rows: { id: string }[] = await this.dataSource.query(
      `INSERT INTO teams (name, supervisor_id) VALUES ($1, $2) RETURNING id`,
      [name, supervisorId],
    );
    return rows[0]!.id;
  }

  async update(id: string, patch: { name?: string; supervisorId?: string | null }): Promise<boolean> {
    const [, affected]: [unknown, number] = await this.dataSource.query(
      `UPDATE teams SET name = coalesce($2, name),
         supervisor_id = CASE WHEN $3 THEN $4::uuid ELSE supervisor_id END, updated_at = now()
       WHERE id = $1`,
      [id, patch.name ?? null, patch.supervisorId !== undefined, patch.supervisorId ?? null],
    );
    return affected > 0;
  }

  /** Members stay users without a team (the foreign key sets their team_id to null). */
  async remove(id: string): Promise<boolean> {
    const [, affected]: [unknown, number] = await this.dataSource.query(`DELETE FROM teams WHERE id = $1`, [id]);
    return affected > 0;
  }

  async isActiveSupervisor(userId: string): Promise<boolean> {
    const rows: unknown[] = await this.dataSource.query(
      `SELECT 1 FROM users WHERE id = $1 AND role = 'supervisor' AND active`,
      [userId],
    );
    return rows.length > 0;
  }

  async exists(id: string): Promise<boolean> {
    return (await this.dataSource.query(`SELECT 1 FROM teams WHERE id = $1`, [id])).length > 0;
  }
}
