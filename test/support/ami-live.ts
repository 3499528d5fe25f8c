import { execFile } from 'node:child_process';
import { copyFileSync, readFileSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { connect } from 'node:net';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';

import { expect } from 'vitest';

import {
  createTelephonyProvider,
  type AgentStatus,
  type CallDirection,
  type CallEnded,
  type CallEvent,
  type TelephonyEvent,
  type TelephonyProvider,
} from '@telephony';
import { type AmiProviderConfig } from '@telephony/ami/ami-provider';
import { isPortOpen, waitFor } from '@test/support/services/ports';
import { startOperatorPhone, type Phone, type SippOptions } from '@test/support/sipp';

/**
 * Shared by the live AMI suites (test/integration/ami-provider-live*.int.spec.ts, provider-contract): the AMI provider
 * on the real Asterisk 22 of the reference profile, every event it reports stamped with our receipt time.
 */
export const ASTERISK_ROOT = process.env.ASTERISK_ROOT ?? '/var/cache/zvonok/asterisk-sid';
export const RECORDINGS_DIR = process.env.RECORDINGS_DIR ?? join(ASTERISK_ROOT, 'var/spool/asterisk/monitor');
/** The live PBX's pjsip include for per-user SIP secrets (the reference pjsip.conf `#tryinclude`s it). */
export const PJSIP_AUTH_FILE = join(ASTERISK_ROOT, 'etc/asterisk/pjsip_zvonok_auth.conf');
/** Where MixMonitor writes inside the chroot (ZV_MONITOR_DIR in extensions.conf). */
export const CHROOT_MONITOR_DIR = '/var/spool/asterisk/monitor';
const AMI_PORT = Number(process.env.AMI_PORT ?? 5038);

function asteriskPid(): number {
  const pid = Number(readFileSync(join(ASTERISK_ROOT, 'var/run/zvonok-asterisk.pid'), 'utf8').trim());
  if (!Number.isInteger(pid) || pid <= 0) throw new Error('no Asterisk pid in var/run/zvonok-asterisk.pid');
  return pid;
}

/**
 * SIGKILL, as in a crash: pbx.sh starts Asterisk under setsid, so its pid is also its process group. Works whether
 * the global setup started this Asterisk (CI) or reused one already running (development).
 */
export async function killAsterisk(): Promise<void> {
  const pid = asteriskPid();
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    process.kill(pid, 'SIGKILL');
  }
  await waitFor(async () => !(await isPortOpen(AMI_PORT)), { what: 'Asterisk to die', timeoutMs: 10_000 });
}

/** `pbx.sh start` on the same chroot; returns once AMI accepts a login. */
export async function startAsteriskAgain(): Promise<void> {
  await promisify(execFile)('bash', ['test/pbx/pbx.sh', 'start'], {
    env: { ...process.env, ZVONOK_ASTERISK_ROOT: ASTERISK_ROOT },
    timeout: 120_000,
  });
}

/** One AMI action on a fresh connection (login, action, logoff); resolves with the action's response frame. */
export async function amiAction(lines: string[]): Promise<string> {
  const socket = connect(AMI_PORT, process.env.AMI_HOST ?? '127.0.0.1');
  const user = process.env.AMI_USER ?? 'zvonok';
  const secret = process.env.AMI_SECRET ?? 'zvonok-secret';
  let text = '';
  socket.setEncoding('utf8');
  return new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`AMI ${lines[0]} timed out:\n${text}`)), 5_000);
    socket.on('error', reject);
    socket.on('data', (chunk: string) => {
      text += chunk;
      const reply = /\r\n\r\nResponse: [^\r]+\r\nActionID: zv-test-action\r\n[\s\S]*?\r\n\r\n/.exec(text);
      if (reply) {
        clearTimeout(timer);
        socket.end('Action: Logoff\r\n\r\n');
        resolve(reply[0]);
      }
    });
    socket.write(`Action: Login\r\nUsername: ${user}\r\nSecret: ${secret}\r\nEvents: off\r\n\r\n`);
    socket.write(`${[...lines, 'ActionID: zv-test-action'].join('\r\n')}\r\n\r\n`);
  });
}

/** Installs this profile's dialplan on the live PBX (it may run an older one) and reloads only the dialplan. */
export async function installDialplan(): Promise<void> {
  copyFileSync('test/pbx/asterisk/extensions.conf', join(ASTERISK_ROOT, 'etc/asterisk/extensions.conf'));
  const reply = await amiAction(['Action: Command', 'Command: dialplan reload']);
  if (!/Response: (Success|Follows)/.test(reply)) throw new Error(`dialplan reload failed:\n${reply}`);
}

/** Sets a dialplan global (empty clears it); a dialplan reload clears what was set this way. */
export async function setPbxGlobal(name: string, value: string): Promise<void> {
  const reply = await amiAction(['Action: Setvar', `Variable: ${name}`, `Value: ${value}`]);
  if (!/Response: Success/.test(reply)) throw new Error(`Setvar ${name} failed:\n${reply}`);
}

/** Asterisk's `messages.log` (notice, warning, error) from `offset` on; `size` to take an offset before acting. */
export const pbxMessages = {
  file: () => join(ASTERISK_ROOT, 'var/log/asterisk/messages.log'),
  size: async (): Promise<number> => (await stat(pbxMessages.file()).catch(() => null))?.size ?? 0,
  since: async (offset: number): Promise<string> => (await readFile(pbxMessages.file())).subarray(offset).toString(),
};

/** Queue `support` wrapuptime (1 s, queues.conf) plus margin. */
const WRAP_UP_MS = 1500;

export interface Received {
  event: CallEvent;
  /** Our wall clock at receipt: the independent reference for the provider's PBX-clock durations. */
  at: number;
}

export interface CallOutcome {
  callId: string;
  events: CallEvent[];
  received: Received[];
  ended: CallEnded;
}

export const isCallEvent = (event: TelephonyEvent): event is CallEvent => 'callId' in event;

export async function until<T>(probe: () => T | undefined, what: string, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what} not seen within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A sipp UAS very rarely dies while starting (seen once in a combined run); one retry keeps the suites stable. */
export async function plugPhone(
  extension: string,
  scenario: string,
  extraArgs: readonly string[] = [],
  placement: Pick<SippOptions, 'ownSession'> = {},
): Promise<Phone> {
  try {
    return await startOperatorPhone(extension, scenario, extraArgs, placement);
  } catch {
    await new Promise((r) => setTimeout(r, 500));
    return startOperatorPhone(extension, scenario, extraArgs, placement);
  }
}

export function amiConfigFromEnv(overrides: Partial<AmiProviderConfig> = {}): AmiProviderConfig {
  return {
    kind: 'ami',
    host: process.env.AMI_HOST ?? '127.0.0.1',
    port: Number(process.env.AMI_PORT ?? 5038),
    user: process.env.AMI_USER ?? 'zvonok',
    secret: process.env.AMI_SECRET ?? 'zvonok-secret',
    ...overrides,
  };
}

/** The AMI provider on the live PBX with everything it reports kept in arrival order. */
export class LiveAmi {
  readonly received: Received[] = [];
  readonly status: TelephonyEvent[] = [];
  private readonly agentStatus = new Map<string, { status: AgentStatus; at: number }>();

  private constructor(readonly provider: TelephonyProvider) {
    provider.onEvent((event) => {
      if (isCallEvent(event)) this.received.push({ event, at: Date.now() });
      else if (event.type === 'agent.state')
        this.agentStatus.set(event.agentId, { status: event.status, at: Date.now() });
      else this.status.push(event);
    });
  }

  static async start(overrides: Partial<AmiProviderConfig> = {}): Promise<LiveAmi> {
    const live = new LiveAmi(createTelephonyProvider(amiConfigFromEnv(overrides)));
    await live.provider.start();
    await until(() => (live.provider.isUp() ? true : undefined), 'provider up', 10_000);
    return live;
  }

  stop(): Promise<void> {
    return this.provider.stop();
  }

  /** Position to look for a new call from. */
  mark(): number {
    return this.received.length;
  }

  /**
   * The queue has ringinuse=no and wrapuptime=1: a member still in use, or idle for less than its wrap-up, is
   * skipped for a whole ring round, so wait until each phone has been idle a little longer than that.
   */
  async waitIdle(...extensions: string[]): Promise<void> {
    for (const ext of extensions) {
      await until(() => {
        const state = this.agentStatus.get(ext);
        if (!state) return true;
        const idle = state.status !== 'busy' && state.status !== 'ringing';
        return idle && Date.now() - state.at >= WRAP_UP_MS ? true : undefined;
      }, `extension ${ext} idle`);
    }
  }

  /** Events of one call so far. */
  eventsOf(callId: string): Received[] {
    return this.received.filter((r) => r.event.callId === callId);
  }

  /** Waits for the call created after `mark` that `pick` selects, and for its end; then a short quiet period. */
  async call(
    mark: number,
    pick: (created: CallEvent) => boolean,
    what: string,
    timeoutMs = 15_000,
  ): Promise<CallOutcome> {
    const created = await until(
      () => this.received.slice(mark).find((r) => r.event.type === 'call.created' && pick(r.event)),
      `call.created of ${what}`,
      timeoutMs,
    );
    const { callId } = created.event;
    const endedAt = await until(
      () => this.eventsOf(callId).find((r) => r.event.type === 'call.ended'),
      `call.ended of ${what}`,
      timeoutMs,
    );
    // Anything the provider still emitted after call.ended would break "ended is last"; give it a chance to show.
    await new Promise((r) => setTimeout(r, 500));
    const received = this.eventsOf(callId);
    return { callId, events: received.map((r) => r.event), received, ended: endedAt.event as CallEnded };
  }
}

/** Invariants of every call: created first, one ended last, seq 1..n, one callId, the given direction, ami source. */
export function expectWellFormed(events: readonly CallEvent[], direction: CallDirection = 'inbound'): void {
  const types = events.map((e) => e.type);
  expect(types[0]).toBe('call.created');
  expect(types.at(-1)).toBe('call.ended');
  expect(types.filter((t) => t === 'call.ended')).toHaveLength(1);
  expect(types.filter((t) => t === 'call.created')).toHaveLength(1);
  expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
  expect(new Set(events.map((e) => e.callId)).size).toBe(1);
  for (const event of events) {
    expect(event).toMatchObject({ direction, source: 'ami' });
    expect(Number.isNaN(Date.parse(event.occurredAt))).toBe(false);
  }
}

/** Host path of a file MixMonitor wrote inside the chroot. */
export function recordingOnHost(file: string): string {
  return join(RECORDINGS_DIR, relative(CHROOT_MONITOR_DIR, file));
}

/** Peak absolute sample of a 16-bit PCM wav (after the 44-byte header): 0 means the file holds only silence. */
export async function peakAmplitude(file: string): Promise<number> {
  const data = await readFile(file);
  let peak = 0;
  for (let i = 44; i + 1 < data.length; i += 2) peak = Math.max(peak, Math.abs(data.readInt16LE(i)));
  return peak;
}

/** The recording exists on the host, grows past the header (MixMonitor closes it just after hangup) and has audio. */
export async function expectRecordingWithAudio(chrootFile: string): Promise<string> {
  expect(chrootFile.startsWith(`${CHROOT_MONITOR_DIR}/`)).toBe(true);
  expect(chrootFile).toMatch(/\.wav$/);
  const onHost = recordingOnHost(chrootFile);
  await expect
    .poll(async () => (await stat(onHost).catch(() => null))?.size ?? 0, { timeout: 5000 })
    .toBeGreaterThan(44);
  expect(await peakAmplitude(onHost)).toBeGreaterThan(1000);
  return onHost;
}
