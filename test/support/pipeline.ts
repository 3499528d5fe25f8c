import { type DataSource } from 'typeorm';

import { type CallEvent } from '@telephony';
import { MemoryCallBus } from '@server/common/bus/memory-call-bus';
import { ChangeCache } from '@server/common/cache/change-cache';
import { type CallReaction } from '@server/common/calls/call-change';
import { CallCardReadModel } from '@server/modules/calls/call-card.read-model';
import { CallPipeline } from '@server/modules/calls/call-pipeline';
import { CallStore } from '@server/modules/calls/call-store';
import { AuditService } from '@server/modules/audit/audit.service';
import { LeadsService } from '@server/modules/leads/leads.service';
import { Reassigner } from '@server/modules/ownership/ownership.service';
import { UsersRepository } from '@server/modules/users/users.repository';
import { UsersService } from '@server/modules/users/users.service';
import { testLogger } from '@test/support/api-server';

export interface BarePipeline {
  pipeline: CallPipeline;
  publish(...events: CallEvent[]): Promise<void>;
  stop(): Promise<void>;
}

/**
 * The real call pipeline (in-process bus, real store, card read model and caller linking) with given reactions and
 * no Socket.IO: for suites about what a reaction does with the events of a call, not about screens.
 */
export async function startBarePipeline(dataSource: DataSource, reactions: CallReaction[]): Promise<BarePipeline> {
  const logger = testLogger('pipeline');
  const bus = new MemoryCallBus();
  const pipeline = new CallPipeline({
    bus,
    store: new CallStore(dataSource, logger),
    // Not listening to change notifications: the cache keeps nothing, every read goes to the database.
    cards: new CallCardReadModel(dataSource, new ChangeCache(), new UsersService(new UsersRepository(dataSource))),
    leads: new LeadsService(
      dataSource,
      () => 'RU',
      new AuditService(dataSource),
      new Reassigner(dataSource, new AuditService(dataSource), [], logger),
    ),
    realtime: { emitTo: () => undefined, joinUserToCall: () => undefined },
    reactions,
    defaultCountry: 'RU',
    logger,
  });
  await pipeline.start();
  return {
    pipeline,
    publish: async (...events) => {
      for (const event of events) await bus.publish(event);
    },
    stop: () => pipeline.stop(),
  };
}
