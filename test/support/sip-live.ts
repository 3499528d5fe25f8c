import { SipProvider, type SipProviderConfig } from '@telephony/sip/sip-provider';
import type { CallEvent, TelephonyEvent } from '@telephony/model/call-event';
import { DRACHTIO } from '@test/support/services/drachtio';
import { RTPENGINE } from '@test/support/services/rtpengine';
import { MemoryRegistrationStore } from '@telephony/sip/registration-store';
import { PHONE_PORTS, runSipp, type SippOptions, type SippResult } from '@test/support/sipp';

/**
 * Shared by the SIP suites: the real drachtio-server and rtpengine the global setup started (test/global-setup.ts),
 * sipp callers pointed at drachtio's SIP port, and sipp phones on the reference profile's phone ports.
 */
export { DRACHTIO, RTPENGINE };

/** Throws the global setup's reason (e.g. how to get the drachtio-server source) when the SIP front is not up. */
export function requireSipFront(): { recordingDir: string } {
  const error = process.env.ZVONOK_SIP_FRONT_ERROR;
  if (error) throw new Error(`the SIP front test bed is not available: ${error}`);
  const recordingDir = process.env.ZVONOK_RTPENGINE_RECORDING_DIR;
  if (!recordingDir) throw new Error('ZVONOK_RTPENGINE_RECORDING_DIR is not set: run through test/global-setup.ts');
  return { recordingDir };
}

/** The reference profile's phones as if they had REGISTERed with the SIP front: each sipp phone's own port. */
export async function phoneRegistrations(): Promise<MemoryRegistrationStore> {
  const store = new MemoryRegistrationStore();
  for (const [ext, port] of Object.entries(PHONE_PORTS)) await store.put(ext, `sip:${ext}@127.0.0.1:${port}`, 3600);
  return store;
}

/** A sipp caller (the trunk) calling `service` on drachtio-server. */
export function callSipFront(scenario: string, options: SippOptions = {}): Promise<SippResult> {
  return runSipp(scenario, { remote: `${DRACHTIO.host}:${DRACHTIO.sipPort}`, ...options });
}

/**
 * A sipp UAS answering as the operator's phone: the AMI suites' `plugPhone` (its own port, one retry); in-dialog
 * requests go to where the INVITE came from, so the same phone serves the SIP front.
 */
export { plugPhone as plugSipPhone } from '@test/support/ami-live';

/** rtpengine of the global setup as the provider's media anchor, recording into `outputDir`. */
export function liveMedia(outputDir: string): Pick<SipProviderConfig, 'rtpengine' | 'recording'> {
  const { recordingDir } = requireSipFront();
  return {
    rtpengine: { host: RTPENGINE.host, port: RTPENGINE.ngPort },
    recording: { spoolDir: recordingDir, outputDir },
  };
}

/** The SIP provider on the live drachtio-server with everything it reports kept in arrival order. */
export class LiveSip {
  readonly events: TelephonyEvent[] = [];
  readonly diagnostics: string[] = [];
  readonly provider: SipProvider;

  constructor(config: Omit<SipProviderConfig, 'kind' | 'host' | 'port' | 'secret'> & Partial<SipProviderConfig>) {
    this.provider = new SipProvider({
      kind: 'sip',
      host: DRACHTIO.host,
      port: DRACHTIO.adminPort,
      secret: DRACHTIO.secret,
      onDiagnostic: (m, e) => this.diagnostics.push(`${m}${e instanceof Error ? `: ${e.message}` : ''}`),
      ...config,
    });
    this.provider.onEvent((e) => this.events.push(e));
  }

  async start(): Promise<this> {
    await this.provider.start();
    await this.until(() => this.provider.isUp() || undefined, 'SIP provider up', 5000);
    return this;
  }

  stop(): Promise<void> {
    return this.provider.stop();
  }

  callEvents(): CallEvent[] {
    return this.events.filter((e): e is CallEvent => e.type.startsWith('call.') || e.type === 'recording.ready');
  }

  /** Events of the one call whose caller matches, once it ended. */
  async endedCall(pick: (e: CallEvent) => boolean = () => true, timeoutMs = 15_000): Promise<CallEvent[]> {
    const ended = await this.until(
      () => this.callEvents().find((e) => e.type === 'call.ended' && pick(e)),
      'call.ended',
      timeoutMs,
    );
    return this.callEvents().filter((e) => e.callId === ended.callId);
  }

  async until<T>(probe: () => T | undefined, what: string, timeoutMs = 15_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = probe();
      if (value !== undefined) return value;
      if (Date.now() > deadline)
        throw new Error(`${what} not seen within ${timeoutMs} ms; diagnostics: ${this.diagnostics.join(' | ')}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}
