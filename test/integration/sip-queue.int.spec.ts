/**
 * The SIP front's queue on the real drachtio-server and rtpengine: sipp customers call, sipp phones ring, answer or
 * ring out. The queue's behaviour mirrors the reference Asterisk profile (queues.conf `support`, ringall,
 * ringinuse=no; owner first with ZV_OWNER_RING_TIMEOUT, then the queue until ZV_QUEUE_TIMEOUT), with short timeouts.
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';

import { projectCall } from '@server/common/calls/call-projection';
import type { CallEvent } from '@telephony/model/call-event';
import type { SipQueueConfig } from '@telephony/sip/sip-queue';
import { makeServiceDir } from '@test/support/services/service-process';
import {
  LiveSip,
  callSipFront,
  liveMedia,
  phoneRegistrations,
  plugSipPhone,
  requireSipFront,
} from '@test/support/sip-live';
import type { Phone } from '@test/support/sipp';

const ringsOf = (events: CallEvent[]) => events.filter((e) => e.type === 'call.ringing').map((e) => e.agentId);

describe('SIP front queue on the real drachtio-server (sipp customers and phones)', () => {
  let sip: LiveSip | undefined;
  let phones: Phone[] = [];
  let wavDir: string;

  beforeAll(() => {
    requireSipFront();
    wavDir = makeServiceDir('sip-queue-wav');
  });
  afterEach(async () => {
    await Promise.all(phones.map((p) => p.stop()));
    phones = [];
    await sip?.stop();
    sip = undefined;
  });

  async function start(
    queue: Partial<SipQueueConfig>,
    owner: string | null = null,
    clock?: () => number,
  ): Promise<LiveSip> {
    sip = await new LiveSip({
      ...(clock ? { clock } : {}),
      route: () => Promise.resolve(owner ? { agentExtension: owner } : null),
      registrations: await phoneRegistrations(),
      queue: {
        name: 'support',
        strategy: 'ringall',
        members: () => Promise.resolve(['1001', '1002']),
        ownerRingTimeoutMs: 1500,
        queueTimeoutMs: 8000,
        ...queue,
      },
      ...liveMedia(wavDir),
    }).start();
    return sip;
  }
  async function phone(extension: string, scenario: string): Promise<void> {
    phones.push(await plugSipPhone(extension, scenario));
  }
  async function call(scenario: string): Promise<void> {
    const result = await callSipFront(scenario, { service: '7000', timeoutMs: 20_000 });
    expect(result, result.stderr).toMatchObject({ code: 0, timedOut: false });
  }

  it('ringall: both free members ring, the first to answer gets the call, the other stops ringing', async () => {
    const live = await start({});
    await phone('1001', 'uas-operator-ring.xml');
    await phone('1002', 'uas-operator-answer.xml');
    await call('../fixtures/sip/scenarios/uac-answered-expect-200.xml');
    const events = await live.endedCall();
    expect(new Set(ringsOf(events))).toEqual(new Set(['1001', '1002']));
    expect(events.find((e) => e.type === 'call.answered')).toMatchObject({ agentId: '1002', queue: 'support' });
    expect(events.find((e) => e.type === 'call.ring-stopped')).toMatchObject({ agentId: '1001' });
    expect(events.map((e) => e.type).slice(-2)).toEqual(['recording.ready', 'call.ended']);
    expect(projectCall(events)).toMatchObject({ queue: 'support', disposition: 'answered', agentExtension: '1002' });
  });

  it('a paused operator (break, wrap-up, offline) is skipped until unpaused', async () => {
    const live = await start({});
    await live.provider.setAgentPaused('1002', true, 'lunch');
    await phone('1001', 'uas-operator-answer.xml');
    await phone('1002', 'uas-operator-answer.xml');
    await call('../fixtures/sip/scenarios/uac-answered-expect-200.xml');
    expect(ringsOf(await live.endedCall())).toEqual(['1001']);
    await live.provider.setAgentPaused('1002', false);
    await live.provider.setAgentPaused('1001', true, 'wrap-up');
    await call('../fixtures/sip/scenarios/uac-answered-expect-200.xml');
    const second = live.callEvents().filter((e) => e.callId !== live.callEvents()[0]!.callId);
    expect(ringsOf(second)).toEqual(['1002']);
  });

  it('owner first: the owner rings out after the owner timeout, then the queue answers', async () => {
    const live = await start({ members: () => Promise.resolve(['1001']) }, '1003');
    await phone('1003', 'uas-operator-ring.xml');
    await phone('1001', 'uas-operator-answer.xml');
    await call('../fixtures/sip/scenarios/uac-answered-expect-200.xml');
    const events = await live.endedCall();
    expect(events.map((e) => `${e.type}${e.agentId ? `@${e.agentId}` : ''}`).slice(0, 5)).toEqual([
      'call.created',
      'call.ringing@1003',
      'call.ring-stopped@1003',
      'call.ringing@1001',
      'call.answered@1001',
    ]);
    // the queue name appears once the call entered the queue, not while only its owner rang
    expect(events.find((e) => e.type === 'call.ringing' && e.agentId === '1003')?.queue).toBeUndefined();
    expect(events.find((e) => e.type === 'call.ringing' && e.agentId === '1001')?.queue).toBe('support');
  });

  it('queue timeout: nobody answers → 480 to the caller, the call ends missed (the callback task takes it)', async () => {
    const live = await start({ queueTimeoutMs: 2500 });
    await phone('1001', 'uas-operator-ring.xml');
    await phone('1002', 'uas-operator-ring.xml');
    await call('uac-direct-noanswer-expect-480.xml');
    const events = await live.endedCall();
    expect(events.at(-1)).toMatchObject({
      type: 'call.ended',
      cause: 'no-answer',
      rawCause: 'QUEUE_TIMEOUT',
      answered: false,
      abandoned: false,
      queue: 'support',
    });
    expect(projectCall(events)).toMatchObject({ disposition: 'missed', queue: 'support', ringingAgents: [] });
  });

  it('a member refusing at once (486) is offered the call again only after the retry pause, until the timeout', async () => {
    // The provider's clock runs 2 % slow: timers then fire before the clock reaches the deadline, as libuv's do
    // on a busy loop (they count from the loop's cached time). The last pause must still end the queue, not buy
    // one more offer of a few milliseconds (a CI run saw 4 offers).
    const t0 = Date.now();
    const slow = () => t0 + Math.floor((Date.now() - t0) * 0.98);
    const live = await start(
      { members: () => Promise.resolve(['1001']), queueTimeoutMs: 2500, retryMs: 1000 },
      null,
      slow,
    );
    await phone('1001', 'uas-operator-busy.xml');
    await call('uac-direct-noanswer-expect-480.xml');
    const events = await live.endedCall();
    // rounds at about 0, 1 and 2 s: three offers, not one every few milliseconds
    expect(ringsOf(events).length).toBeGreaterThanOrEqual(2);
    expect(ringsOf(events).length).toBeLessThanOrEqual(3);
    expect(events.at(-1)).toMatchObject({ cause: 'no-answer', rawCause: 'QUEUE_TIMEOUT' });
  });

  it('abandoned in the queue: the caller CANCELs while members ring → both stop, 487, ended abandoned', async () => {
    const live = await start({});
    await phone('1001', 'uas-operator-ring.xml');
    await phone('1002', 'uas-operator-ring.xml');
    await call('../fixtures/sip/scenarios/uac-abandoned-expect-487.xml');
    const events = await live.endedCall();
    expect(
      events
        .filter((e) => e.type === 'call.ring-stopped')
        .map((e) => e.agentId)
        .sort(),
    ).toEqual(['1001', '1002']);
    expect(events.at(-1)).toMatchObject({ cause: 'cancel', abandoned: true, answered: false, queue: 'support' });
  });

  it('longest-idle: one member at a time, the one idle longest first', async () => {
    const live = await start({ strategy: 'longest-idle' });
    await phone('1001', 'uas-operator-answer.xml');
    await phone('1002', 'uas-operator-answer.xml');
    await call('../fixtures/sip/scenarios/uac-answered-expect-200.xml');
    // nobody called yet: by extension, 1001 alone
    expect(ringsOf(await live.endedCall())).toEqual(['1001']);
    await call('../fixtures/sip/scenarios/uac-answered-expect-200.xml');
    // now 1002 has been idle longer
    const first = live.callEvents()[0]!.callId;
    expect(ringsOf(live.callEvents().filter((e) => e.callId !== first))).toEqual(['1002']);
  });
});
