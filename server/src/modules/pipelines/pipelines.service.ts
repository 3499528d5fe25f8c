import { randomBytes } from 'node:crypto';

import { type DataSource } from 'typeorm';

import {
  type CreatePipelineRequest,
  type PipelineDto,
  type PipelineStageDto,
  type StageInput,
  type UpdatePipelineRequest,
  createPipelineRequestSchema,
  updatePipelineRequestSchema,
} from '@contracts/dto/pipeline';
import { type UserDto } from '@contracts/dto/user';
import { type AuditService } from '@server/modules/audit/audit.service';

import { pipelinesError } from './pipelines.errors';
import { PipelinesRepository, type StageWrite } from './pipelines.repository';

/** Where a deal sits: its pipeline and the stage there. */
export interface DealPlace {
  pipelineId: string;
  stage: PipelineStageDto;
}

const newKey = () => `s-${randomBytes(4).toString('hex')}`;
const toWrite = (s: StageInput): StageWrite => ({
  key: s.key ?? newKey(),
  nameRu: s.nameRu,
  nameEn: s.nameEn,
  kind: s.kind ?? 'open',
  probability: s.probability ?? 0,
});

/** Deal pipelines and their stages (admins edit them; everyone reads them); every change is audited. */
export class PipelinesService {
  private readonly repo: PipelinesRepository;

  constructor(
    private readonly dataSource: DataSource,
    private readonly audit?: AuditService,
  ) {
    this.repo = new PipelinesRepository(dataSource);
  }

  list(): Promise<PipelineDto[]> {
    return this.repo.list();
  }

  async get(id: string): Promise<PipelineDto> {
    const pipeline = await this.repo.find(id);
    if (!pipeline) throw pipelinesError('PIPELINE_NOT_FOUND');
    return pipeline;
  }

  /**
   * For the deals module: the pipeline (default when not named) and the stage (its first open stage when not named)
   * a deal goes to; 400 PIPELINE_NOT_FOUND / STAGE_NOT_FOUND naming the body field otherwise.
   */
  async place(pipelineId: string | undefined, stageKey: string | undefined): Promise<DealPlace> {
    const pipelines = await this.repo.list();
    const pipeline = pipelineId ? pipelines.find((p) => p.id === pipelineId) : pipelines.find((p) => p.isDefault);
    if (!pipeline) throw pipelinesError('PIPELINE_NOT_FOUND', { field: 'pipelineId' });
    const stage =
      stageKey === undefined
        ? (pipeline.stages.find((s) => s.kind === 'open') ?? pipeline.stages[0])
        : pipeline.stages.find((s) => s.key === stageKey);
    if (!stage) throw pipelinesError('STAGE_NOT_FOUND', { field: 'stage' });
    return { pipelineId: pipeline.id, stage };
  }

  async create(actor: UserDto, input: CreatePipelineRequest): Promise<PipelineDto> {
    const req = createPipelineRequestSchema.parse(input);
    const id = await this.dataSource.transaction(async (em) => {
      const created = await this.repo.insert(em, req);
      await this.repo.writeStages(em, created, req.stages.map(toWrite));
      return created;
    });
    const pipeline = await this.get(id);
    await this.record(actor, 'pipeline.create', id, { pipeline });
    return pipeline;
  }

  async update(actor: UserDto, id: string, input: UpdatePipelineRequest): Promise<PipelineDto> {
    const req = updatePipelineRequestSchema.parse(input);
    const before = await this.get(id);
    await this.dataSource.transaction(async (em) => {
      if (!(await this.repo.lock(em, id))) throw pipelinesError('PIPELINE_NOT_FOUND');
      await this.repo.update(em, id, req);
      if (!req.stages) return;
      const stages = req.stages.map(toWrite);
      const kept = new Set(stages.map((s) => s.key));
      const dropped = before.stages.map((s) => s.key).filter((k) => !kept.has(k));
      const busy = await this.repo.stagesWithDeals(em, id, dropped);
      if (busy.length) throw pipelinesError('STAGE_HAS_DEALS', { stages: busy });
      await this.repo.writeStages(em, id, stages);
    });
    const after = await this.get(id);
    await this.record(actor, 'pipeline.update', id, { before, after });
    return after;
  }

  async remove(actor: UserDto, id: string): Promise<void> {
    const pipeline = await this.get(id);
    if (pipeline.isDefault) throw pipelinesError('PIPELINE_IS_DEFAULT');
    if ((await this.repo.dealCount(id)) > 0) throw pipelinesError('PIPELINE_HAS_DEALS');
    await this.repo.delete(id);
    await this.record(actor, 'pipeline.delete', id, { pipeline });
  }

  private async record(actor: UserDto, action: string, id: string, details: Record<string, unknown>) {
    await this.audit?.record({ actorId: actor.id, action, entity: 'pipeline', entityId: id, details });
  }
}
