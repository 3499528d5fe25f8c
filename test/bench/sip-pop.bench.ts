import { createTelephonyProvider } from '@telephony';
import { percentileFigure, type Figure } from '@test/bench/figure';
import { measurePops, withNodeEnv, type PopRun } from '@test/bench/pop-latency.bench';
import { sipFrontTo1001 } from '@test/bench/sip-setup.bench';
import { amiConfigFromEnv, plugPhone } from '@test/support/ami-live';
import { startAsterisk } from '@test/support/services/asterisk';
import { DRACHTIO, drachtioBinary, startDrachtio } from '@test/support/services/drachtio';
import { startRtpengine } from '@test/support/services/rtpengine';
import { runSipp } from '@test/support/sipp';

/**
 * Screen pops through the SIP front beside the AMI path, in the same run: at each rate sipp places new calls for
 * 2 s, once to drachtio-server (the SIP provider in this process anchors each call in rtpengine and INVITEs 1001's
 * sipp phone) and once to the reference Asterisk (DID 7001, straight to 1001). Both feed the same node (composeNode)
 * and the same operator's socket; latency = client receipt of `call:ringing` − the adapter's `call.ringing`.
 * Sustained = the highest rate at which every pop arrived. Everything shares the machine's cores.
 * Run it while holding /tmp/zv-live.lock (fixed SIP ports, the shared Asterisk).
 */
const RATES = [10, 50, 100];

const sustained = (runs: readonly PopRun[]) =>
  Math.max(
    0,
    ...runs
      .filter((r) => r.latencies.length > 0 && r.details.popsReceived === r.details.ringingEmitted)
      .map((r) => r.rate),
  );

export async function runSipPopBench(databaseUrl: string): Promise<Figure[]> {
  const pbx = await startAsterisk();
  const [binary, rtpengine] = await Promise.all([drachtioBinary(process.cwd()), startRtpengine()]);
  const drachtio = await startDrachtio(binary);
  const phone = await plugPhone('1001', 'uas-operator-answer.xml');
  try {
    return await withNodeEnv(databaseUrl, async () => {
      const sip = sipFrontTo1001();
      const place = (remote: string | undefined, service: string) => (rate: number, calls: number) =>
        runSipp('uac-queue-answered-expect-200.xml', {
          service,
          calls,
          rate,
          limit: calls,
          timeoutMs: 90_000,
          ...(remote ? { remote } : {}),
        });
      const viaSip = await measurePops('sip-pop', sip, RATES, place(`${DRACHTIO.host}:${DRACHTIO.sipPort}`, '7000'));
      const viaAmi = await measurePops(
        'sip-pop-ami',
        createTelephonyProvider(amiConfigFromEnv()),
        RATES,
        place(undefined, '7001'),
      );
      const figures: Figure[] = viaSip.flatMap((run, i) => {
        const ami = viaAmi[i]!;
        return [50, 99].map((p) =>
          percentileFigure(
            `SIP front pop latency p${p} at ${run.rate} calls/s, ${String(run.details.delivered)} delivered (vs AMI p${p}, ${String(ami.details.delivered)})`,
            p,
            run.latencies,
            ami.latencies,
            { sip: run.details, ami: ami.details },
          ),
        );
      });
      const [sipRate, amiRate] = [sustained(viaSip), sustained(viaAmi)];
      figures.push({
        figure: `SIP front sustained new calls/s with every pop delivered, of ${RATES.join('/')} (vs AMI)`,
        value: sipRate,
        baseline: amiRate,
        unit: 'calls/s',
        ratio: amiRate ? sipRate / amiRate : 0,
        details: { rates: RATES },
      });
      return figures;
    });
  } finally {
    await phone.stop();
    await drachtio.stop();
    await rtpengine.stop();
    await pbx.stop();
  }
}
