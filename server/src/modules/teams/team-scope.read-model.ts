import { type DataSource } from 'typeorm';

import { type Viewer } from '@server/common/access/visibility';

/**
 * Reads `teams` and `users`: whose records a supervisor sees (their teams) and who is in a team, for the access rules
 * (common/access/visibility.ts) and the team filters of the call log, analytics and the wallboard. Never writes.
 */
export class TeamScopeReadModel {
  constructor(private readonly dataSource: DataSource) {}

  /** The supervisor and the members of every team they lead; null when they lead none (they then see all). */
  async scopeOf(supervisorId: string): Promise<string[] | null> {
    const rows: { id: string }[] = await this.dataSource.query(
      `SELECT u.id FROM teams t JOIN users u ON u.team_id = t.id WHERE t.supervisor_id = $1
       UNION SELECT $1::uuid WHERE EXISTS (SELECT 1 FROM teams WHERE supervisor_id = $1)`,
      [supervisorId],
    );
    return rows.length ? rows.map((r) => r.id) : null;
  }

  /** Members of a team (its operators and anyone else assigned to it, active or not). */
  async membersOf(teamId: string): Promise<string[]> {
    const rows: { id: string }[] = await this.dataSource.query(`SELECT id FROM users WHERE team_id = $1`, [teamId]);
    return rows.map((r) => r.id);
  }

  /**
   * A team filter as the viewer may apply it: the team's members, narrowed to the viewer's own scope, so a team
   * supervisor naming another team gets nothing rather than that team's figures.
   */
  async filterFor(viewer: Viewer, teamId: string): Promise<string[]> {
    const members = await this.membersOf(teamId);
    return viewer.teamScope ? members.filter((id) => viewer.teamScope!.includes(id)) : members;
  }
}
