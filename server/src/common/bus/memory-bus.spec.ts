import { describe, expect, it } from 'vitest';

import { type TelephonyEvent } from '@telephony';

import { eventId } from './event-bus';
import { MemoryBus } from './memory-bus';

const party = { raw: '1001', e164: null, extension: '1001', name: null, anonymous: false };
const created = (seq: number): TelephonyEvent => ({
  type: 'call.created',
  callId: 'call-1',
  legId: 'leg-1',
  externalIds: {},
  seq,
  occurredAt: '2026-01-01T00:00:00.000Z',
  direction: 'internal',
  from: party,
  to: party,
  source: 'ami',
});

describe('MemoryBus', () => {
  it('delivers in publish order and retries a failing handler without skipping', async () => {
    const bus = new MemoryBus();
    const got: string[] = [];
    let fail = true;
    await bus.subscribe('web', 'a', async (m) => {
      if (fail) {
        fail = false;
        throw new Error('transient');
      }
      got.push(m.id);
    });
    await bus.publish(created(1));
    await bus.publish(created(2));
    await new Promise((resolve) => setTimeout(resolve, 700));
    expect(got).toEqual(['call-1:1', 'call-1:2']);
    await bus.close();
  });
});

describe('eventId', () => {
  it('is the same for a re-published copy of an event', () => {
    expect(eventId(created(3))).toBe(eventId(structuredClone(created(3))));
    expect(eventId(created(3))).not.toBe(eventId(created(4)));
  });
  it('keys agent state by agent, status and time', () => {
    const e: TelephonyEvent = {
      type: 'agent.state',
      agentId: '1001',
      status: 'paused',
      occurredAt: '2026-01-01T00:00:00.000Z',
      source: 'ami',
    };
    expect(eventId(e)).toBe('agent:1001:paused:2026-01-01T00:00:00.000Z');
  });
});
