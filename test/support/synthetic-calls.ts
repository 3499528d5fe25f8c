import { randomUUID } from 'node:crypto';

import { type CallEvent, type Party } from '@telephony';

/**
 * Normalized call events as the adapter would emit them, for suites that test what happens after the adapter
 * (bus, records, pops) without placing real calls. The live suites prove the adapter emits the same shapes.
 */
export const party = (raw: string, e164: string | null, extension: string | null = null): Party => ({
  raw,
  e164,
  extension,
  name: null,
  anonymous: false,
});
export const withheld: Party = { raw: 'anonymous', e164: null, extension: null, name: null, anonymous: true };

/** A fresh RU mobile number, so reruns never meet an open lead from an earlier run. */
export const randomRuNumber = () => `+79${String(Math.floor(Math.random() * 1e9)).padStart(9, '0')}`;

type Extra = Record<string, unknown> & { type: CallEvent['type'] };

/** Builds the events of one inbound call; `next()` stamps seq 1, 2, 3… and times one second apart. */
export function inboundCall(from: Party, queue: string | undefined = 'support') {
  const callId = randomUUID();
  const start = Date.now();
  let seq = 0;
  let agent: string | undefined; // who has the call: the providers put it on call.ended too
  const next = (extra: Extra): CallEvent => {
    seq += 1;
    return {
      callId,
      legId: randomUUID(),
      externalIds: { linkedid: `syn-${callId}` },
      seq,
      occurredAt: new Date(start + seq * 1000).toISOString(),
      direction: 'inbound',
      from,
      to: party('7000', null),
      ...(queue ? { queue } : {}),
      source: 'ami',
      ...extra,
    } as CallEvent;
  };
  return {
    callId,
    created: () => next({ type: 'call.created' }),
    ringing: (agentId: string) => next({ type: 'call.ringing', agentId }),
    answered: (agentId: string) => {
      agent = agentId;
      return next({ type: 'call.answered', agentId, waitSeconds: 2 });
    },
    transferred: (fromAgentId: string, agentId: string) => {
      agent = agentId;
      return next({ type: 'call.transferred', kind: 'blind', fromAgentId, agentId });
    },
    ended: (answered: boolean) =>
      next({
        type: 'call.ended',
        ...(agent ? { agentId: agent } : {}),
        cause: answered ? 'normal-clearing' : 'cancel',
        answered,
        abandoned: !answered,
        waitSeconds: 2,
        talkSeconds: answered ? 5 : 0,
      }),
  };
}
