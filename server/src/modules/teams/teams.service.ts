import { type DataSource } from 'typeorm';

import {
  type CreateTeamRequest,
  type TeamDto,
  type UpdateTeamRequest,
  createTeamRequestSchema,
  updateTeamRequestSchema,
} from '@contracts/dto/team';
import { seesAll, type Viewer } from '@server/common/access/visibility';
import { PG_UNIQUE_VIOLATION, pgErrorCode } from '@server/common/errors/app-error';
import { type AuditService } from '@server/modules/audit/audit.service';

import { teamsError } from './teams.errors';
import { TeamsRepository, type TeamRow } from './teams.repository';

const toDto = (r: TeamRow): TeamDto => ({
  id: r.id,
  name: r.name,
  supervisorId: r.supervisor_id,
  memberIds: r.member_ids,
});

/** Teams (admins manage them; staff list them, a team supervisor only the teams they lead). Every change is audited. */
export class TeamsService {
  private readonly repo: TeamsRepository;

  constructor(
    dataSource: DataSource,
    private readonly audit?: AuditService,
  ) {
    this.repo = new TeamsRepository(dataSource);
  }

  async list(viewer: Viewer): Promise<TeamDto[]> {
    const rows = await this.repo.list();
    return rows.filter((r) => seesAll(viewer) || r.supervisor_id === viewer.id).map(toDto);
  }

  /** For the users module: 400 TEAM_NOT_FOUND (naming `field`) when a body names a team that does not exist. */
  async assertExists(teamId: string, field: string): Promise<void> {
    if (!(await this.repo.exists(teamId))) throw teamsError('TEAM_NOT_FOUND', field);
  }

  async create(actor: Viewer, input: CreateTeamRequest): Promise<TeamDto> {
    const req = createTeamRequestSchema.parse(input);
    await this.assertLeader(req.supervisorId);
    const id = await unique(() => this.repo.insert(req.name, req.supervisorId));
    await this.audit?.record({
      actorId: actor.id,
      action: 'team.create',
      entity: 'team',
      entityId: id,
      details: { name: req.name, supervisorId: req.supervisorId },
    });
    return this.get(id);
  }

  async update(actor: Viewer, id: string, input: UpdateTeamRequest): Promise<TeamDto> {
    const req = updateTeamRequestSchema.parse(input);
    const before = await this.get(id);
    if (req.supervisorId !== undefined) await this.assertLeader(req.supervisorId);
    await unique(() => this.repo.update(id, req));
    const after = await this.get(id);
    const changes: Record<string, { from: unknown; to: unknown }> = {};
    if (before.name !== after.name) changes.name = { from: before.name, to: after.name };
    if (before.supervisorId !== after.supervisorId) {
      changes.supervisorId = { from: before.supervisorId, to: after.supervisorId };
    }
    if (Object.keys(changes).length) {
      await this.audit?.record({
        actorId: actor.id,
        action: 'team.update',
        entity: 'team',
        entityId: id,
        details: { changes },
      });
    }
    return after;
  }

  async remove(actor: Viewer, id: string): Promise<void> {
    const before = await this.get(id);
    await this.repo.remove(id);
    await this.audit?.record({
      actorId: actor.id,
      action: 'team.delete',
      entity: 'team',
      entityId: id,
      details: { before },
    });
  }

  private async get(id: string): Promise<TeamDto> {
    const row = await this.repo.find(id);
    if (!row) throw teamsError('TEAM_NOT_FOUND');
    return toDto(row);
  }

  private async assertLeader(supervisorId: string | null): Promise<void> {
    if (supervisorId && !(await this.repo.isActiveSupervisor(supervisorId))) {
      throw teamsError('TEAM_LEADER_NOT_SUPERVISOR', 'supervisorId');
    }
  }
}

async function unique<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (pgErrorCode(err) === PG_UNIQUE_VIOLATION) throw teamsError('TEAM_NAME_TAKEN');
    throw err;
  }
}
