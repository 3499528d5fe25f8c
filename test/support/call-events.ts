import { randomUUID } from 'node:crypto';

import { type DataSource } from 'typeorm';

import { type CallEvent, type Party } from '@telephony';
import { applyCallEvent, type CallFold } from '@server/common/calls/call-projection';
import { CallStore } from '@server/modules/calls/call-store';
import { AnalyticsRollupsRepository, binOf } from '@server/modules/analytics/analytics-rollups.repository';
import { testLogger } from '@test/support/api-server';

const party = (raw: string, e164: string | null, extension: string | null = null): Party => ({
  raw,
  e164,
  extension,
  name: null,
  anonymous: false,
});

export interface SeedCall {
  callId?: string;
  fromRaw: string;
  fromE164: string | null;
  startedAt: string;
  /** Extension that answers; none → a missed call. */
  answeredBy?: string;
  /** Extension the answering operator transfers the call to. */
  transferTo?: string;
  /** PBX path of a recording (recording.ready just before call.ended). */
  recordingFile?: string;
  talkSeconds?: number;
}

/**
 * The events a real inbound queue call produces, stored through the real CallRecorderService, so the `calls` row
 * and `call_events` are exactly what the pipeline would leave (who answered, transfers, recording path).
 */
export function inboundCallEvents(c: SeedCall): CallEvent[] {
  const callId = c.callId ?? randomUUID();
  const t0 = Date.parse(c.startedAt);
  let seq = 0;
  const base = (atSeconds: number) => ({
    callId,
    legId: randomUUID(),
    externalIds: { linkedid: `test.${callId}` },
    seq: ++seq,
    occurredAt: new Date(t0 + atSeconds * 1000).toISOString(),
    direction: 'inbound' as const,
    from: party(c.fromRaw, c.fromE164),
    to: party('7000', null, '7000'),
    queue: 'support',
    source: 'ami' as const,
  });
  const talk = c.talkSeconds ?? 30;
  const events: CallEvent[] = [{ ...base(0), type: 'call.created' }];
  if (c.answeredBy) {
    events.push({ ...base(1), type: 'call.ringing', agentId: c.answeredBy });
    events.push({ ...base(3), type: 'call.answered', agentId: c.answeredBy, waitSeconds: 3 });
    if (c.transferTo) {
      events.push({
        ...base(10),
        type: 'call.transferred',
        kind: 'blind',
        fromAgentId: c.answeredBy,
        agentId: c.transferTo,
      });
    }
  }
  if (c.recordingFile) events.push({ ...base(3 + talk), type: 'recording.ready', file: c.recordingFile });
  events.push({
    ...base(3 + talk),
    type: 'call.ended',
    cause: c.answeredBy ? 'normal-clearing' : 'no-answer',
    answered: Boolean(c.answeredBy),
    abandoned: false,
    waitSeconds: c.answeredBy ? 3 : 3 + talk,
    talkSeconds: c.answeredBy ? talk : 0,
  });
  return events;
}

/** Records the call's events in order; returns its id. */
export async function seedCall(dataSource: DataSource, c: SeedCall): Promise<string> {
  const events = inboundCallEvents(c);
  await recordCallEvents(dataSource, events);
  return events[0]!.callId;
}

/**
 * Stores call events as the call pipeline does (folded in memory, written by the real CallStore in one batch),
 * without telling any screen or linking the caller: a call's history for suites that read it.
 */
export async function recordCallEvents(dataSource: DataSource, events: readonly CallEvent[]): Promise<void> {
  const store = new CallStore(dataSource, testLogger());
  const folds = new Map<string, CallFold>();
  const operators = new Map<string, string | null>();
  const operatorOf = async (extension: string | null): Promise<string | null> => {
    if (!extension) return null;
    if (!operators.has(extension)) {
      const [row] = (await dataSource.query('SELECT id FROM users WHERE extension = $1 AND active LIMIT 1', [
        extension,
      ])) as { id: string }[];
      operators.set(extension, row?.id ?? null);
    }
    return operators.get(extension)!;
  };
  const writes: Promise<void>[] = [];
  for (const event of events) {
    const { fold, applied } = applyCallEvent(folds.get(event.callId) ?? null, event);
    if (!applied) continue;
    folds.set(event.callId, fold);
    const operatorId = await operatorOf(fold.call.agentExtension);
    writes.push(store.write({ event, call: fold.call, operatorId, link: null, pops: [] }));
  }
  await Promise.all(writes);
  // As the node does after a committed batch (here at once, not after the rollups' delay).
  const ended = [...folds.values()].filter((f) => f.call.disposition !== null).map((f) => binOf(f.call.startedAt));
  await new AnalyticsRollupsRepository(dataSource).refresh(ended);
}
