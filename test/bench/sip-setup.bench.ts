import { createTelephonyProvider, type TelephonyProvider } from '@telephony';
import { SipProvider } from '@telephony/sip/sip-provider';
import { percentileFigure, type Figure } from '@test/bench/figure';
import { amiConfigFromEnv, plugPhone } from '@test/support/ami-live';
import { startAsterisk } from '@test/support/services/asterisk';
import { DRACHTIO, drachtioBinary, startDrachtio } from '@test/support/services/drachtio';
import { waitFor } from '@test/support/services/ports';
import { RTPENGINE, startRtpengine } from '@test/support/services/rtpengine';
import { PHONE_PORTS, runSipp } from '@test/support/sipp';

/**
 * Call setup through the SIP front on real parts: sipp calls drachtio-server at a fixed rate; the SIP provider (in
 * this process) routes each call to 1001, anchors its media in rtpengine and INVITEs 1001's sipp phone. Per call,
 * setup = the adapter's `call.ringing` − its `call.created` (both stamped with this process's clock on receipt:
 * routing, rtpengine's offer and the INVITE out). Baseline, same run and same sipp scenario and phone: the AMI
 * adapter's created → ringing for a call through the reference Asterisk (DID 7001, straight to 1001: Newchannel to
 * DialBegin). Both fronts share the machine's cores with sipp; the figure is a ratio, not an absolute.
 * Run it while holding /tmp/zv-live.lock (fixed SIP ports, the shared Asterisk).
 */
const CALLS = 40;
const RATE = 10;

const now = () => performance.timeOrigin + performance.now();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** created → ringing (ms) of every call the provider reports while `place` runs, ascending. */
async function setupTimes(provider: TelephonyProvider, place: () => Promise<unknown>): Promise<number[]> {
  const created = new Map<string, number>();
  const ringing = new Map<string, number>();
  const off = provider.onEvent((event) => {
    if (event.type === 'call.created') created.set(event.callId, now());
    if (event.type === 'call.ringing' && !ringing.has(event.callId)) ringing.set(event.callId, now());
  });
  try {
    await place();
    await sleep(1500);
  } finally {
    off();
  }
  return [...ringing].flatMap(([id, at]) => (created.has(id) ? [at - created.get(id)!] : [])).sort((a, b) => a - b);
}

/** The SIP front as the benches drive it: every call to 1001's sipp phone, media anchored in rtpengine. */
export const sipFrontTo1001 = () =>
  new SipProvider({
    kind: 'sip',
    host: DRACHTIO.host,
    port: DRACHTIO.adminPort,
    secret: DRACHTIO.secret,
    route: () => Promise.resolve({ agentExtension: '1001', contact: `sip:1001@127.0.0.1:${PHONE_PORTS['1001']}` }),
    rtpengine: { host: RTPENGINE.host, port: RTPENGINE.ngPort },
  });

export async function runSipSetupBench(): Promise<Figure[]> {
  const pbx = await startAsterisk();
  const [binary, rtpengine] = await Promise.all([drachtioBinary(process.cwd()), startRtpengine()]);
  const drachtio = await startDrachtio(binary);
  const sip = sipFrontTo1001();
  const ami = createTelephonyProvider(amiConfigFromEnv());
  const phone = await plugPhone('1001', 'uas-operator-answer.xml');
  try {
    await Promise.all([sip.start(), ami.start()]);
    await waitFor(async () => sip.isUp() && ami.isUp(), { what: 'both adapters up', timeoutMs: 15_000 });
    const calls = (remote: string | undefined, service: string) => () =>
      runSipp('uac-queue-answered-expect-200.xml', {
        service,
        calls: CALLS,
        rate: RATE,
        limit: CALLS,
        timeoutMs: 90_000,
        ...(remote ? { remote } : {}),
      });
    const viaSip = await setupTimes(sip, calls(`${DRACHTIO.host}:${DRACHTIO.sipPort}`, '7000'));
    await sleep(5000); // the SIP front's calls hang up (4 s talk) before the Asterisk run
    const viaAmi = await setupTimes(ami, calls(undefined, '7001'));
    const details = { calls: CALLS, rate: RATE, measuredSip: viaSip.length, measuredAmi: viaAmi.length };
    console.log(`[bench] sip-setup: ${JSON.stringify(details)}`);
    return [50, 95].map((p) =>
      percentileFigure(
        `SIP front call setup p${p} (created → phone INVITEd, rtpengine anchored) at ${RATE} calls/s, ${viaSip.length}/${CALLS} (vs AMI created → DialBegin p${p})`,
        p,
        viaSip,
        viaAmi,
        details,
      ),
    );
  } finally {
    await phone.stop();
    await sip.stop();
    await ami.stop();
    await drachtio.stop();
    await rtpengine.stop();
    await pbx.stop();
  }
}
