/**
 * Faults of the SIP front's own servers, each on a drachtio-server or rtpengine this suite starts on its own
 * loopback ports (so the shared ones stay up for the other suites): rtpengine killed → new calls are refused at
 * once with the cause logged and recorded, and work again once it is back; drachtio-server restarted mid-call →
 * the provider reconnects by itself and closes the cut call exactly once.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import type { CallEvent } from '@telephony/model/call-event';
import {
  drachtioBinary,
  startDrachtio,
  type DrachtioPorts,
  type DrachtioService,
} from '@test/support/services/drachtio';
import { startRtpengine, type RtpenginePorts, type RtpengineService } from '@test/support/services/rtpengine';
import { makeServiceDir } from '@test/support/services/service-process';
import {
  DRACHTIO,
  LiveSip,
  callSipFront,
  phoneRegistrations,
  plugSipPhone,
  requireSipFront,
} from '@test/support/sip-live';
import { runSipp, type Phone } from '@test/support/sipp';

const OWN_DRACHTIO: DrachtioPorts = { ...DRACHTIO, adminPort: 9023, sipPort: 5082, wsPort: 8091 };
const OWN_RTPENGINE: RtpenginePorts = { host: '127.0.0.1', ngPort: 22223, portMin: 31000, portMax: 31199 };

describe('SIP front faults: rtpengine killed, drachtio-server restarted mid-call', () => {
  let sip: LiveSip | undefined;
  let phones: Phone[] = [];
  let rtpengine: RtpengineService | undefined;
  let drachtio: DrachtioService | undefined;

  beforeAll(() => {
    requireSipFront();
  });
  afterEach(async () => {
    await Promise.all(phones.map((p) => p.stop()));
    phones = [];
    await sip?.stop();
    sip = undefined;
  });
  afterAll(async () => {
    await rtpengine?.stop();
    await drachtio?.stop();
  });

  const ended = (live: LiveSip) =>
    live.callEvents().filter((e): e is Extract<CallEvent, { type: 'call.ended' }> => e.type === 'call.ended');

  it('rtpengine killed: a new call is refused with 503 and ends failed with the cause; once back, calls work', async () => {
    rtpengine = await startRtpengine(OWN_RTPENGINE);
    const live = await new LiveSip({
      route: () => Promise.resolve({ agentExtension: '1001' }),
      registrations: await phoneRegistrations(),
      rtpengine: { host: OWN_RTPENGINE.host, port: OWN_RTPENGINE.ngPort, timeoutMs: 1000 },
      recording: { spoolDir: rtpengine.recordingDir, outputDir: makeServiceDir('sip-fault-wav') },
    }).start();
    sip = live;
    phones.push(await plugSipPhone('1001', 'uas-operator-answer.xml'));
    await rtpengine.kill();

    const refused = await callSipFront('../fixtures/sip/scenarios/uac-answered-expect-200.xml', { service: '7000' });
    expect(refused.code).not.toBe(0);
    expect(refused.stdout + refused.stderr).toMatch(/503/);
    const [end] = await live.until(
      () => (ended(live).length === 1 ? ended(live) : undefined),
      'the refused call ended',
    );
    expect(end).toMatchObject({
      cause: 'failed',
      answered: false,
      rawCause: expect.stringMatching(/^RTPENGINE: .*did not answer offer/),
    });
    expect(
      live.diagnostics.some((d) => /no media for .*: the call is refused: rtpengine .* did not answer offer/.test(d)),
    ).toBe(true);
    // the operator's phone was never rung: no media, no call
    expect(live.callEvents().filter((e) => e.type === 'call.ringing')).toEqual([]);

    await rtpengine.restart();
    const ok = await callSipFront('../fixtures/sip/scenarios/uac-answered-expect-200.xml', { service: '7000' });
    expect(ok, ok.stderr).toMatchObject({ code: 0 });
    await live.until(() => (ended(live).length === 2 ? true : undefined), 'the second call ended');
    expect(ended(live)[1]).toMatchObject({ cause: 'normal-clearing', answered: true });
    expect(live.callEvents().some((e) => e.type === 'recording.ready')).toBe(true);
  });

  it('drachtio-server restarted mid-call: provider.down, reconnects, the cut call ends failed exactly once', async () => {
    drachtio = await startDrachtio(await drachtioBinary(process.cwd()), OWN_DRACHTIO);
    const live = await new LiveSip({
      route: () => Promise.resolve({ agentExtension: '1001' }),
      registrations: await phoneRegistrations(),
      port: OWN_DRACHTIO.adminPort,
      backoff: { initialDelayMs: 50, maxDelayMs: 300 },
      cdrGraceMs: 1000,
    }).start();
    sip = live;
    phones.push(await plugSipPhone('1001', 'uas-operator-answer.xml'));
    const caller = runSipp('uac-queue-talk-expect-200.xml', {
      service: '7000',
      remote: `${OWN_DRACHTIO.host}:${OWN_DRACHTIO.sipPort}`,
      extraArgs: ['-d', '6000'],
      timeoutMs: 20_000,
    });
    await live.until(() => live.callEvents().find((e) => e.type === 'call.answered'), 'call.answered');
    await drachtio.restart();
    await live.until(
      () => (live.events.filter((e) => e.type === 'provider.up').length === 2 ? true : undefined),
      'provider up again',
      10_000,
    );
    await live.until(() => (ended(live).length > 0 ? true : undefined), 'the cut call closed', 10_000);
    await caller; // its BYE goes to a drachtio that no longer knows the call
    await new Promise((r) => setTimeout(r, 1500)); // longer than cdrGraceMs: nothing closes it a second time
    expect(ended(live)).toHaveLength(1);
    expect(ended(live)[0]).toMatchObject({ cause: 'failed', rawCause: 'DRACHTIO_CONNECTION_LOST', answered: true });
    expect(live.events.map((e) => e.type).filter((t) => t.startsWith('provider.'))).toEqual([
      'provider.up',
      'provider.down',
      'provider.up',
    ]);
    expect(live.provider.activeCallCount()).toBe(0);
  });
});
