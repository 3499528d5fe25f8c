/**
 * A SIP front node restarted mid-call, on the real drachtio-server (built with test/sip/drachtio-app-failover.patch)
 * and rtpengine of the global setup: the first provider is stopped while a sipp customer talks to a sipp phone (it
 * sends no BYE, as a killed process would not), and a new provider of the same node name, sharing its dialog store,
 * takes over what it left: a call still up is adopted and ends when a party hangs up; one that ended meanwhile is
 * closed (a BYE to the leg still up, the recording written, `call.ended` once, on the same call id).
 */
import { createSocket } from 'node:dgram';
import type { Socket } from 'node:net';
import { existsSync, readFileSync } from 'node:fs';

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
  // The sipps of a test, killed after it: a failed one's phone must not hold 5071 for the next test.
  let sipps = new AbortController();
  afterEach(async () => {
    sipps.abort();
    sipps = new AbortController();
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

  /** A sipp operator phone on 1001 and a sipp customer calling the queue; `-aa` answers in-dialog OPTIONS. */
  async function answeredCall(first: LiveSip, store: RedisDialogStore, talkMs: number, callerTimeoutMs = 40_000) {
    const port = PHONE_PORTS['1001'] ?? 0;
    if (await udpBound(port)) throw new Error(`UDP 127.0.0.1:${port} is taken (a sipp left running?)`);
    // One-call phone: sipp exits 0 only once the BYE it waits for came and was answered. Both sipps stop by
    // themselves after `timeoutMs`, so a failed run leaves no phone on the port for long.
    const phone = runSipp('uas-operator-answer.xml', {
      localPort: port,
      timeoutMs: 40_000,
      extraArgs: ['-aa'],
      signal: sipps.signal,
    });
    await until(async () => ((await udpBound(port)) ? true : undefined));
    const caller = callSipFront('uac-queue-talk-caller-expect-200.xml', {
      service: '7000',
      extraArgs: ['-key', 'caller', '+74957770101', '-d', String(talkMs), '-aa'],
      timeoutMs: callerTimeoutMs,
      signal: sipps.signal,
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
    expect(stored.dialogs.every((d) => typeof d.stackId === 'string')).toBe(true);
    return { answered, stored, phone, caller };
  }

  /** Stops a node as a killed process would end: no BYE, nothing more said. */
  async function kill(first: LiveSip): Promise<CallEvent[]> {
    await first.stop();
    nodes = nodes.filter((n) => n !== first);
    const said = first.callEvents();
    expect(said.some((e) => e.type === 'call.ended')).toBe(false);
    return said;
  }

  it('an answered call of a stopped node is adopted: the customer hangs up later, the call ends as usual', async () => {
    const store = newStore();
    const first = await node(store);
    // The customer talks 10 s in all, well past the takeover (a connection and two OPTIONS, under a second).
    const { answered, stored, phone, caller } = await answeredCall(first, store, 10_000);
    const firstSaid = await kill(first);
    const restartedAfterS = (Date.now() - Date.parse(answered.occurredAt)) / 1000;

    const second = await node(store);
    await second.until(() => second.diagnostics.find((d) => d.includes('adopted')), 'the call adopted');
    expect(second.callEvents().filter((e) => e.callId === answered.callId)).toEqual([]);
    const ends = await second.endedCall((e) => e.callId === answered.callId, 30_000);
    const [callerDone, phoneDone] = await Promise.all([caller, phone]);
    // The customer's BYE was answered 200 and passed on: the phone got its BYE.
    expect(callerDone, callerDone.stderr).toMatchObject({ code: 0 });
    expect(phoneDone, phoneDone.stderr).toMatchObject({ code: 0 });

    const file = expectEndedOnce(ends, { answered, stored, firstSaid }, { cause: 'normal-clearing' });
    // rtpengine recorded on through the restart: the WAV (each side plays 4.7 s of audio from the answer) goes on
    // well past the moment the first node stopped.
    expect(wavSeconds(file)).toBeGreaterThan(restartedAfterS + 1);
    expect(await store.list(NODE)).toEqual([]);
    expect(second.provider.activeCallCount()).toBe(0);
  });

  it('a call the customer hung up while no node was connected: BYE to the phone, recording.ready, ended once', async () => {
    const store = newStore();
    const first = await node(store);
    const { answered, stored, phone, caller } = await answeredCall(first, store, 1_000, 8_000);
    const firstSaid = await kill(first);
    // The customer's BYE (1 s into the talk) reaches drachtio-server while no process of ours is connected: it
    // ends that dialog there, and nobody passes it on to the phone, which stays in the call. The BYE gets no
    // answer from us, so the customer's sipp waits for one until it is stopped, 8 s after it started.
    await caller;

    const second = await node(store);
    const ends = await second.endedCall((e) => e.callId === answered.callId, 20_000);
    const phoneDone = await phone;
    expect(phoneDone, phoneDone.stderr).toMatchObject({ code: 0 });
    const file = expectEndedOnce(
      ends,
      { answered, stored, firstSaid },
      { cause: 'failed', rawCause: 'SIP_FRONT_RESTARTED' },
    );
    expect(existsSync(file)).toBe(true);
    expect(second.diagnostics.some((d) => d.includes('adopted'))).toBe(false);
    expect(await store.list(NODE)).toEqual([]);
    expect(second.provider.activeCallCount()).toBe(0);
  });

  it('the admin connection cut mid-call, drachtio-server up: the call goes on and ends as usual', async () => {
    const store = newStore();
    const live = await node(store);
    const { answered, phone, caller } = await answeredCall(live, store, 10_000);
    cutAdminConnection(live);
    const cutAfterS = (Date.now() - Date.parse(answered.occurredAt)) / 1000;
    await live.until(() => live.events.find((e) => e.type === 'provider.down'), 'provider.down');
    await live.until(() => live.diagnostics.find((d) => d.includes('goes on')), 'the call kept after the reconnect');
    expect(live.provider.isUp()).toBe(true);
    // The customer's BYE comes to the new connection (the patch), and to our handler of the call's dialogs, kept by
    // drachtio's ids (srf's own Dialogs still held the dead connection's socket).
    const ends = await live.endedCall((e) => e.callId === answered.callId, 30_000);
    const [callerDone, phoneDone] = await Promise.all([caller, phone]);
    expect(callerDone, callerDone.stderr).toMatchObject({ code: 0 });
    expect(phoneDone, phoneDone.stderr).toMatchObject({ code: 0 });
    expect(ends.filter((e) => e.type === 'call.ended')).toEqual([
      expect.objectContaining({ cause: 'normal-clearing', answered: true, agentId: '1001' }),
    ]);
    const recording = ends.find((e) => e.type === 'recording.ready') as Extract<CallEvent, { type: 'recording.ready' }>;
    expect(wavSeconds(recording.file)).toBeGreaterThan(cutAfterS + 1);
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

/**
 * A call's end as the node that took it over reports it: its recording, then `call.ended` once, answered by 1001,
 * numbered after everything the first node said about the call. Returns the recording's file.
 */
function expectEndedOnce(
  ends: CallEvent[],
  call: { answered: CallEvent; stored: StoredCall; firstSaid: CallEvent[] },
  outcome: { cause: string; rawCause?: string },
): string {
  expect(ends.map((e) => e.type)).toEqual(['recording.ready', 'call.ended']);
  expect(ends[1]).toMatchObject({
    callId: call.answered.callId,
    ...outcome,
    answered: true,
    agentId: '1001',
    externalIds: { sipCallId: call.stored.sipCallId },
  });
  const lastSeq = Math.max(...call.firstSaid.filter((e) => e.callId === call.answered.callId).map((e) => e.seq));
  expect(ends[0]?.seq).toBeGreaterThan(lastSeq);
  return (ends[0] as Extract<CallEvent, { type: 'recording.ready' }>).file;
}

/**
 * Destroys the provider's admin TCP connection from our side, as a network cut would: drachtio-srf reconnects by
 * itself. Reaches into drachtio-srf (its agent's socket map): there is no public handle on the socket.
 */
function cutAdminConnection(live: LiveSip): void {
  const srf = (live.provider as unknown as { srf: { _app: { client: { mapServer: Map<Socket, unknown> } } } }).srf;
  const sockets = [...srf._app.client.mapServer.keys()];
  expect(sockets.length).toBe(1);
  for (const socket of sockets) socket.destroy();
}

/** A PCM WAV's length in seconds, from its header (byte rate at 28, the data chunk's size at 40). */
function wavSeconds(file: string): number {
  const header = readFileSync(file).subarray(0, 44);
  return header.readUInt32LE(40) / header.readUInt32LE(28);
}

async function until<T>(probe: () => Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('not reached in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}
