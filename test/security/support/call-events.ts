import { randomUUID } from 'node:crypto';

import { type CallEvent, type Party } from '@telephony';

/** A random Russian mobile number (so suites sharing the database never meet), E.164. */
export const randomRuMobile = (): string => `+7916${String(Math.floor(Math.random() * 1e7)).padStart(7, '0')}`;

const party = (e164: string | null, raw = e164 ?? 'anonymous'): Party => ({
  raw,
  e164,
  extension: null,
  name: null,
  anonymous: e164 === null,
});

const ext = (n: string): Party => ({ raw: n, e164: null, extension: n, name: null, anonymous: false });

export interface ScriptedCall {
  callId: string;
  events: CallEvent[];
  endedAt: string;
}

/**
 * The events an adapter emits for an inbound call that nobody answers: created → ringing → ended. Shaped like the
 * AMI adapter's output (see telephony/src/model/call-event.ts) so the real pipeline and projection process them.
 */
export function unansweredInboundCall(opts: {
  from: string | null;
  queue?: string;
  agent?: string;
  abandoned: boolean;
  direction?: 'inbound' | 'outbound';
  startedAt?: Date;
}): ScriptedCall {
  const callId = randomUUID();
  const started = opts.startedAt ?? new Date(Date.now() - 60_000);
  const endedAt = new Date(started.getTime() + 20_000).toISOString();
  const base = {
    callId,
    legId: randomUUID(),
    externalIds: { linkedid: `test-${callId}` },
    direction: opts.direction ?? ('inbound' as const),
    from: party(opts.from),
    to: ext(opts.queue ? '7000' : '7001'),
    ...(opts.queue ? { queue: opts.queue } : {}),
    source: 'ami' as const,
  };
  const agent = opts.agent ?? '1001';
  const events: CallEvent[] = [
    { ...base, type: 'call.created', seq: 1, occurredAt: started.toISOString() },
    {
      ...base,
      type: 'call.ringing',
      seq: 2,
      occurredAt: new Date(started.getTime() + 1000).toISOString(),
      agentId: agent,
    },
    {
      ...base,
      type: 'call.ended',
      seq: 3,
      occurredAt: endedAt,
      cause: opts.abandoned ? 'cancel' : 'no-answer',
      answered: false,
      abandoned: opts.abandoned,
      waitSeconds: 20,
      talkSeconds: 0,
    },
  ];
  return { callId, events, endedAt };
}

/** Same call, answered by `agent` and ended normally. */
export function answeredInboundCall(from: string, agent = '1001'): ScriptedCall {
  const call = unansweredInboundCall({ from, abandoned: false, agent });
  const [created, ringing, ended] = call.events as [CallEvent, CallEvent, CallEvent];
  const answered: CallEvent = {
    ...ringing,
    type: 'call.answered',
    seq: 3,
    agentId: agent,
    waitSeconds: 1,
    occurredAt: new Date(Date.parse(ringing.occurredAt) + 1000).toISOString(),
  };
  const end = { ...ended, seq: 4, answered: true, abandoned: false, cause: 'normal-clearing' } as CallEvent;
  return { ...call, events: [created, ringing, answered, end] };
}
