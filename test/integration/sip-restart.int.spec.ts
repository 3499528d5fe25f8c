/**
 * A SIP front node restarted mid-call, on the real drachtio-server and rtpengine of the global setup: the first
 * provider is stopped while a sipp customer talks to a sipp phone (it sends no BYE, as a killed process would not),
 * and a new provider of the same node name, sharing its dialog store, ends what it left: a BYE to both phones, the
 * call deleted in rtpengine (its recording written) and `call.ended` reported once, on the same call id.
 */
import { createSocket } from 'node:dgram';
import { existsSync } from 'node:fs';

import { randomUUID } from 'node:crypto';

import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import type { CallEvent } from '@telephony/model/call-event';
import { RedisDialogStore, type StoredCall } from '@telephony/sip/dialog-store';
import { callIdForSip } from '@telephony/sip/sip-event-mapper';
import type { SipProviderConfig } from '@telephony/sip/sip-provider';
import { makeServiceDir } from '@test/support/services/service-process';
import { LiveSip, callSipFront, liveMedia, phoneRegistrations, requireSipFront } from '@test/support/sip-live';
import { PHONE_PORTS, runSipp } from '@test/support/sipp';

const NODE = 'sip-restart-spec';

function udpBound(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createSocket('udp4');
    socket.once('error', () => resolve(true));
    socket.bind(port, '127.0.0.1', () => socket.close(() => resolve(false)));
  });
}

describe('SIP front restarted mid-call: the new node ends what its predecessor left open', () => {
  let nodes: LiveSip[] = [];
  let wavDir: string;
  let redis: Redis;
  // Each test its own prefix in the real Redis: nothing one leaves behind reaches the other.
  const prefixes: string[] = [];
  const newStore = () => {
    prefixes.push(`zvonok-test:sip:dialogs:${randomUUID()}:`);
    return new RedisDialogStore(redis, prefixes.at(-1));
  };

  beforeAll(() => {
    requireSipFront();
    wavDir = makeServiceDir('sip-restart-wav');
    redis = new Redis(process.env.REDIS_URL!, { maxRetriesPerRequest: null });
  });
  afterEach(async () => {
    await Promise.all(nodes.map((n) => n.stop()));
    nodes = [];
  });
  afterAll(async () => {
    await redis.del(...prefixes.map((p) => p + NODE));
    await redis.quit();
  });

  async function node(store: RedisDialogStore, overrides: Partial<SipProviderConfig> = {}): Promise<LiveSip> {
    const live = await new LiveSip({
      route: () => Promise.resolve({ agentExtension: '1001' }),
      registrations: await phoneRegistrations(),
      dialogs: { store, node: NODE },
      ...liveMedia(wavDir),
      ...overrides,
    }).start();
    nodes.push(live);
    return live;
  }

  it('an answered call of a stopped node: BYE to both phones, recording.ready, then call.ended once', async () => {
    const store = newStore();
    const first = await node(store);
    const port = PHONE_PORTS['1001'] ?? 0;
    if (await udpBound(port)) throw new Error(`UDP 127.0.0.1:${port} is taken (a sipp left running?)`);
    // One-call phone: sipp exits 0 only once the BYE it waits for came and was answered. Both sipps stop by
    // themselves after `timeoutMs`, so a failed run leaves no phone on the port for long.
    const phone = runSipp('uas-operator-answer.xml', { localPort: port, timeoutMs: 30_000 });
    await until(async () => ((await udpBound(port)) ? true : undefined));
    const caller = callSipFront('uac-direct-callee-hangup-expect-200.xml', {
      service: '7000',
      extraArgs: ['-key', 'caller', '+74957770101'],
      timeoutMs: 30_000,
    });
    const answered = await first.until(
      () => first.callEvents().find((e) => e.type === 'call.answered'),
      'call.answered',
    );
    const stored = await until(async () => {
      const [call] = await store.list(NODE);
      return call && call.dialogs.length === 2 ? call : undefined;
    });
    expect(stored).toMatchObject({ agentId: '1001', recorded: true, direction: 'inbound' });

    await first.stop();
    nodes = nodes.filter((n) => n !== first);
    const firstSaid = first.callEvents();
    expect(firstSaid.some((e) => e.type === 'call.ended')).toBe(false);

    const second = await node(store);
    const ends = await second.endedCall((e) => e.callId === answered.callId, 20_000);
    const [callerDone, phoneDone] = await Promise.all([caller, phone]);
    expect(callerDone, callerDone.stderr).toMatchObject({ code: 0 });
    expect(phoneDone, phoneDone.stderr).toMatchObject({ code: 0 });

    expect(ends.map((e) => e.type)).toEqual(['recording.ready', 'call.ended']);
    const end = ends[1] as Extract<CallEvent, { type: 'call.ended' }>;
    expect(end).toMatchObject({
      callId: answered.callId,
      cause: 'failed',
      rawCause: 'SIP_FRONT_RESTARTED',
      answered: true,
      agentId: '1001',
      externalIds: { sipCallId: stored.sipCallId },
    });
    // Numbered after everything the first process said about the call.
    const lastSeq = Math.max(...firstSaid.filter((e) => e.callId === answered.callId).map((e) => e.seq));
    expect(ends[0]?.seq).toBeGreaterThan(lastSeq);
    const file = (ends[0] as Extract<CallEvent, { type: 'recording.ready' }>).file;
    expect(existsSync(file)).toBe(true);
    expect(await store.list(NODE)).toEqual([]);
    expect(second.provider.activeCallCount()).toBe(0);
  });

  it('calls the records show ended are dropped from the store, not ended a second time; a ringing one is ended', async () => {
    const store = newStore();
    const base: StoredCall = {
      sipCallId: `restart-spec-closed-${Date.now()}`,
      direction: 'inbound',
      from: { raw: '+74957770102', e164: '+74957770102', extension: null, name: null, anonymous: false },
      to: { raw: '7000', e164: null, extension: '7000', name: null, anonymous: false },
      startedAtMs: Date.now() - 5000,
      recorded: false,
      dialogs: [],
    };
    const ringing: StoredCall = { ...base, sipCallId: `restart-spec-ringing-${Date.now()}`, queue: 'support' };
    await store.save(NODE, base);
    await store.save(NODE, ringing);
    const closedAsked: string[][] = [];
    const second = await node(store, {
      closedCalls: (ids) => {
        closedAsked.push([...ids]);
        return Promise.resolve(ids.filter((id) => id === callIdForSip(base.sipCallId, base.startedAtMs)));
      },
    });
    const ends = await second.endedCall((e) => e.callId === callIdForSip(ringing.sipCallId, ringing.startedAtMs));
    expect(ends).toEqual([
      expect.objectContaining({
        type: 'call.ended',
        cause: 'failed',
        rawCause: 'SIP_FRONT_RESTARTED',
        answered: false,
        queue: 'support',
      }),
    ]);
    await until(async () => ((await store.list(NODE)).length === 0 ? true : undefined));
    expect(closedAsked.flat().sort()).toEqual(
      [callIdForSip(base.sipCallId, base.startedAtMs), callIdForSip(ringing.sipCallId, ringing.startedAtMs)].sort(),
    );
    expect(second.callEvents().filter((e) => e.callId === callIdForSip(base.sipCallId, base.startedAtMs))).toEqual([]);
  });
});

async function until<T>(probe: () => Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('not reached in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}
